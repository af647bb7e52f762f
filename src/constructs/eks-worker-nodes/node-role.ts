import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { transparentScope } from "../../lib/addressing";
import { managedPolicyArn, serviceTrustPolicy } from "../../lib/iam";

/**
 * Managed policies of the node role (the worker node minimum of the EKS user guide): join the
 * cluster, pull images. Not AmazonEKS_CNI_Policy: the VPC CNI (`kube-system/aws-node`) has an IRSA
 * role of its own, so no pod that reaches the node's credentials could manage the VPC's ENIs.
 */
export const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"];

/** Props of {@link NodeRole}. */
export interface NodeRoleProps {
  /** Name of the role. */
  readonly roleName: string;
  /** The cluster the nodes join (a literal, for the description). */
  readonly clusterName: string;
  /** The AWS partition, for managed policy ARNs. */
  readonly partition: string;
  /** The role's description. @default "Worker nodes of <clusterName>" */
  readonly description?: string;
}

/**
 * The IAM role of the worker nodes, trusted by EC2, with the worker-node minimum only: pods get
 * their own IRSA roles, and IMDS hop limit 1 keeps them off this one. Transparent: its resources
 * are named as if its parent defined them (`node_role`, `node_<policy>`).
 */
export class NodeRole extends Construct {
  readonly role: IamRole;
  readonly roleArn: string;
  /** The policy attachments: what must exist before a node can join. */
  readonly attachments: IamRolePolicyAttachment[];

  constructor(scope: Construct, id: string, props: NodeRoleProps) {
    super(scope, id);
    transparentScope(this);
    this.role = new IamRole(this, "node_role", {
      name: props.roleName,
      description: props.description ?? `Worker nodes of ${props.clusterName}`,
      assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"),
    });
    this.roleArn = this.role.arn;
    this.attachments = NODE_POLICIES.map(
      (policy) =>
        new IamRolePolicyAttachment(this, `node_${policy}`, { role: this.role.name, policyArn: managedPolicyArn(props.partition, policy) }),
    );
  }
}
