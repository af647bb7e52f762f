import { Release } from "@cdktf/provider-helm/lib/release";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { stringify } from "yaml";
import type { Statement } from "../lib/iam";
import { CLUSTER_AUTOSCALER_CHART, clusterAutoscalerImageTag } from "../lib/helm-charts";
import { CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } from "../lib/naming";

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
export class ClusterAutoscaler extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: ClusterAutoscalerProps) {
    super(scope, id);
    const sa = CLUSTER_AUTOSCALER_SERVICE_ACCOUNT;
    this.release = new Release(this, "release", {
      name: "cluster-autoscaler",
      namespace: sa.namespace,
      repository: CLUSTER_AUTOSCALER_CHART.repository,
      chart: CLUSTER_AUTOSCALER_CHART.chart,
      version: CLUSTER_AUTOSCALER_CHART.version,
      values: [
        stringify({
          cloudProvider: "aws",
          awsRegion: props.region,
          autoDiscovery: { clusterName: props.clusterName },
          image: { tag: clusterAutoscalerImageTag(props.kubernetesVersion) },
          rbac: { serviceAccount: { create: true, name: sa.name, annotations: { "eks.amazonaws.com/role-arn": props.roleArn } } },
          extraArgs: { "balance-similar-node-groups": true, "skip-nodes-with-system-pods": false, expander: "least-waste" },
        }),
      ],
      wait: true,
      timeout: 600,
      dependsOn: props.dependsOn,
    });
  }
}
