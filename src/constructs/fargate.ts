import { EksFargateProfile } from "@cdktf/provider-aws/lib/eks-fargate-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { managedPolicyArn, serviceTrustPolicy } from "../lib/iam";
import { stackPartition } from "../lib/partition";
import type { IEksClusterName } from "./eks";

/** Which pods a Fargate profile runs: those of a namespace, optionally only those with labels. */
export interface FargateSelector {
  /** Namespace whose pods run on Fargate (`*` and `?` wildcards allowed). */
  readonly namespace: string;
  /** Only pods with all these labels (at most five). @default - every pod of the namespace */
  readonly labels?: Readonly<Record<string, string>>;
}

/** One Fargate profile. */
export interface FargateProfileOptions {
  /** 1-5 selectors. */
  readonly selectors: readonly FargateSelector[];
}

/** Props of {@link Fargate}. */
export interface FargateProps {
  /** The cluster the profiles belong to (an {@link Eks}). */
  readonly cluster: IEksClusterName;
  /** Private subnets only: Fargate rejects subnets with a route to an internet gateway. */
  readonly privateSubnetIds: readonly string[];
  /** Profiles by name. */
  readonly profiles: Readonly<Record<string, FargateProfileOptions>>;
  /** Name of the pod execution role. */
  readonly roleName: string;
  /** The AWS partition, for ARNs. @default - the stack's partition (`stackPartition`) */
  readonly partition?: string;
  readonly region: string;
  /** Scopes the role's trust to this account's profiles of the cluster. @default - any account */
  readonly accountId?: string;
  /** What profiles wait for. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Defines the Fargate profiles of a cluster (the Fargate blog post): a pod execution role whose trust
 * is scoped to this cluster's profiles, and one profile per name in the private subnets, with
 * create and delete timeouts long enough for EKS.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/fargate-profile.html
 */
export class Fargate extends Construct {
  readonly role?: IamRole;
  readonly profiles: Record<string, EksFargateProfile> = {};

  constructor(scope: Construct, id: string, props: FargateProps) {
    super(scope, id);
    const entries = Object.entries(props.profiles);
    if (entries.length === 0) return;

    const partition = props.partition ?? stackPartition(this);
    const clusterName = props.cluster.clusterName;
    const account = props.accountId ?? "*";
    this.role = new IamRole(this, "pod_execution_role", {
      name: props.roleName,
      description: `Fargate pods of ${clusterName}`,
      assumeRolePolicy: serviceTrustPolicy("eks-fargate-pods.amazonaws.com", {
        condition: {
          ArnLike: { "aws:SourceArn": `arn:${partition}:eks:${props.region}:${account}:fargateprofile/${clusterName}/*` },
        },
      }),
    });
    const policy = new IamRolePolicyAttachment(this, "pod_execution_policy", {
      role: this.role.name,
      policyArn: managedPolicyArn(partition, "AmazonEKSFargatePodExecutionRolePolicy"),
    });
    // EKS creates and deletes one profile of a cluster at a time: chain them.
    let previous: ITerraformDependable | undefined;
    for (const [name, profile] of entries.sort(([a], [b]) => a.localeCompare(b))) {
      previous = this.profiles[name] = new EksFargateProfile(this, `profile_${name}`, {
        clusterName: props.cluster.clusterNameRef,
        fargateProfileName: name,
        podExecutionRoleArn: this.role.arn,
        subnetIds: [...props.privateSubnetIds],
        selector: profile.selectors.map((s) => ({ namespace: s.namespace, labels: s.labels })),
        timeouts: { create: "30m", delete: "60m" },
        dependsOn: [...(props.dependsOn ?? []), policy, ...(previous ? [previous] : [])],
      });
    }
  }
}
