import { EksFargateProfile } from "@cdktf/provider-aws/lib/eks-fargate-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { FargateProfileConfig } from "../config";
import { eksChildNameProblem, iamRoleNameProblem } from "../lib/aws-limits";
import { managedPolicyArn, serviceTrustPolicy } from "../lib/iam";
import { invalidName, requireValidProps, type PropCheck } from "../lib/validation";

/** Props of {@link Fargate}. */
export interface FargateProps {
  /** The cluster name as a literal (names, trust scope). */
  readonly clusterName: string;
  /** The cluster name as a reference to the cluster resource (orders creation after it). */
  readonly clusterNameRef: string;
  /** Private subnets only: Fargate rejects subnets with a route to an internet gateway. */
  readonly privateSubnetIds: readonly string[];
  /** Profiles by name, each with 1-5 selectors (a namespace, optionally with labels). */
  readonly profiles: Readonly<Record<string, FargateProfileConfig>>;
  /** Name of the pod execution role. */
  readonly roleName: string;
  readonly partition: string;
  readonly region: string;
  /** Scopes the role's trust to this account's profiles of the cluster. @default - any account */
  readonly accountId?: string;
  /** What profiles wait for. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

const MAX_SELECTORS = 5;

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
    const checks: PropCheck[] = [
      ["roleName", props.roleName, invalidName(iamRoleNameProblem(props.roleName))],
      [
        "privateSubnetIds",
        props.privateSubnetIds,
        entries.length > 0 && props.privateSubnetIds.length === 0 && "must list the private subnets",
      ],
    ];
    for (const [name, profile] of entries) {
      checks.push([`profiles.${name}`, name, invalidName(eksChildNameProblem(name))]);
      checks.push([
        `profiles.${name}.selectors`,
        profile.selectors,
        (profile.selectors.length < 1 || profile.selectors.length > MAX_SELECTORS) && `must have 1-${MAX_SELECTORS} selectors`,
      ]);
      profile.selectors.forEach((s, i) =>
        checks.push([`profiles.${name}.selectors[${i}].namespace`, s.namespace, !s.namespace && "must not be empty"]),
      );
    }
    requireValidProps("Fargate", checks);
    if (entries.length === 0) return;

    const account = props.accountId ?? "*";
    this.role = new IamRole(this, "pod_execution_role", {
      name: props.roleName,
      description: `Fargate pods of ${props.clusterName}`,
      assumeRolePolicy: serviceTrustPolicy("eks-fargate-pods.amazonaws.com", {
        condition: {
          ArnLike: { "aws:SourceArn": `arn:${props.partition}:eks:${props.region}:${account}:fargateprofile/${props.clusterName}/*` },
        },
      }),
    });
    const policy = new IamRolePolicyAttachment(this, "pod_execution_policy", {
      role: this.role.name,
      policyArn: managedPolicyArn(props.partition, "AmazonEKSFargatePodExecutionRolePolicy"),
    });
    // EKS creates and deletes one profile of a cluster at a time: chain them.
    let previous: ITerraformDependable | undefined;
    for (const [name, profile] of entries.sort(([a], [b]) => a.localeCompare(b))) {
      previous = this.profiles[name] = new EksFargateProfile(this, `profile_${name}`, {
        clusterName: props.clusterNameRef,
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
