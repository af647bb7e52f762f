import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import type { Statement } from "../lib/iam";
import { CLUSTER_AUTOSCALER_CHART, clusterAutoscalerImageTag } from "../lib/helm-charts";
import { CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } from "../lib/naming";
import { HelmAddon } from "./helm-addon";

/**
 * The cluster autoscaler's permissions (its AWS README's recommended policy): read the groups and
 * instance types anywhere, but change the size only of groups tagged as this cluster's
 * (`k8s.io/cluster-autoscaler/<cluster>=owned`, which the self-managed groups carry and EKS puts on
 * managed node groups).
 *
 * @see https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md
 */
export function clusterAutoscalerStatements(clusterName: string): Statement[] {
  return [
    {
      Sid: "DiscoverGroupsAndInstanceTypes",
      Effect: "Allow",
      Action: [
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations",
        "autoscaling:DescribeScalingActivities",
        "autoscaling:DescribeTags",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceTypesFromInstanceRequirements",
        "eks:DescribeNodegroup",
      ],
      Resource: "*",
    },
    {
      Sid: "ScaleOnlyThisClustersGroups",
      Effect: "Allow",
      Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      Resource: "*",
      Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
    },
  ];
}

/** Props of {@link ClusterAutoscaler}. */
export interface ClusterAutoscalerProps {
  readonly clusterName: string;
  readonly region: string;
  /** The cluster's Kubernetes minor version: the autoscaler's image follows it. */
  readonly kubernetesVersion: string;
  /** Its IRSA role. */
  readonly roleArn: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The cluster autoscaler, installed with its Helm chart: auto-discovery of this cluster's groups by
 * their tags, the image of the cluster's minor version, and its own service account with the IRSA
 * role. It owns the groups' desired size (Terraform ignores that drift).
 */
export class ClusterAutoscaler extends HelmAddon {
  constructor(scope: Construct, id: string, props: ClusterAutoscalerProps) {
    super(scope, id, {
      name: "cluster-autoscaler",
      chart: CLUSTER_AUTOSCALER_CHART,
      serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
      roleArn: props.roleArn,
      values: (serviceAccount) => ({
        cloudProvider: "aws",
        awsRegion: props.region,
        autoDiscovery: { clusterName: props.clusterName },
        image: { tag: clusterAutoscalerImageTag(props.kubernetesVersion) },
        rbac: { serviceAccount },
        extraArgs: { "balance-similar-node-groups": true, "skip-nodes-with-system-pods": false, expander: "least-waste" },
      }),
      dependsOn: props.dependsOn,
    });
  }
}
