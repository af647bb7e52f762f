import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { idOf, movedFromSuffix, transparentScope } from "../../lib/addressing";
import { eksDiscoveryTags } from "../../lib/tags";
import type { IEksCluster } from "../eks";

/** Props of {@link NodeSecurityGroup}. */
export interface NodeSecurityGroupProps {
  readonly cluster: Pick<IEksCluster, "clusterName" | "clusterSecurityGroupId" | "clusterPrimarySecurityGroupId">;
  readonly vpcId: string;
  /** CIDRs allowed to reach port 22 (explicit opt-in). @default [] */
  readonly sshCidrs?: readonly string[];
}

/**
 * The security group of the self-managed nodes, every rule by reference: node to node, the control
 * plane to kubelets, pods and webhooks, and both ways between these nodes and what runs in the EKS
 * cluster security group (managed nodes, Fargate pods). Egress to everything, through NAT. SSH only
 * from the given CIDRs. Transparent: its resources are named as if its parent defined them.
 */
export class NodeSecurityGroup extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: NodeSecurityGroupProps) {
    super(scope, id);
    transparentScope(this);
    const cluster = props.cluster;
    const sg = new SecurityGroup(this, "node_security_group", {
      name: `${cluster.clusterName}-node`,
      description: `Self-managed worker nodes of ${cluster.clusterName}`,
      vpcId: props.vpcId,
      tags: { Name: `${cluster.clusterName}-node`, ...eksDiscoveryTags(cluster.clusterName, "node") },
    });
    this.securityGroup = sg;
    this.securityGroupId = sg.id;
    const ingress = (
      ruleId: string,
      description: string,
      rule: { from?: number; to?: number; protocol: string; source?: string; cidr?: string },
    ) =>
      new VpcSecurityGroupIngressRule(this, ruleId, {
        securityGroupId: sg.id,
        description,
        ipProtocol: rule.protocol,
        fromPort: rule.from,
        toPort: rule.to,
        referencedSecurityGroupId: rule.source,
        cidrIpv4: rule.cidr,
      });
    ingress("node_from_self", "Nodes talk to each other (pods, DNS, overlay)", { protocol: "-1", source: sg.id });
    ingress("node_from_cluster", "Kubelets and pods receive traffic from the control plane", {
      protocol: "tcp",
      from: 1025,
      to: 65535,
      source: cluster.clusterSecurityGroupId,
    });
    ingress("node_https_from_cluster", "Webhooks and extension API servers on the nodes, called by the control plane", {
      protocol: "tcp",
      from: 443,
      to: 443,
      source: cluster.clusterSecurityGroupId,
    });
    ingress("node_from_eks_primary", "Managed nodes and Fargate pods (EKS cluster security group) reach these nodes", {
      protocol: "-1",
      source: cluster.clusterPrimarySecurityGroupId,
    });
    new VpcSecurityGroupIngressRule(this, "eks_primary_from_node", {
      securityGroupId: cluster.clusterPrimarySecurityGroupId,
      referencedSecurityGroupId: sg.id,
      description: "Self-managed nodes reach managed nodes and Fargate pods",
      ipProtocol: "-1",
    });
    // Keyed by the CIDR, with a moved block from the list position earlier versions used.
    (props.sshCidrs ?? []).forEach((cidr, i) =>
      movedFromSuffix(
        ingress(`node_ssh_${idOf(cidr)}`, `SSH from ${cidr} (explicit opt-in)`, { protocol: "tcp", from: 22, to: 22, cidr }),
        `_${i}`,
        `_${idOf(cidr)}`,
      ),
    );
    new VpcSecurityGroupEgressRule(this, "node_egress", {
      securityGroupId: sg.id,
      description: "Nodes reach the control plane, ECR, STS and the internet through NAT",
      ipProtocol: "-1",
      cidrIpv4: "0.0.0.0/0",
    });
  }
}
