/**
 * Karpenter, the node autoscaler, in its parts: the AWS side in the platform stack (node role and
 * access entry, interruption queue, the controller's IRSA role and its policy), and the in-cluster
 * side in the workloads stack (CRDs, controller, the default EC2NodeClass and NodePool).
 */
export { karpenterControllerStatements, type KarpenterPolicyScope } from "./controller-policy";
export { Karpenter, KARPENTER_DEFAULT_POOL, type KarpenterProps } from "./karpenter";
export { KarpenterAws, type KarpenterAwsProps } from "./karpenter-aws";
export { manifestChartDir, MANIFEST_CHART_FILES } from "./manifest-chart";
export {
  EC2_NODE_CLASS_API,
  ec2NodeClass,
  NODE_POOL_API,
  nodePool,
  type Ec2NodeClassOptions,
  type KubernetesObject,
  type NodePoolOptions,
} from "./node-pool";
