import type { EnvInput } from "../src/config";
import { appImages, appTables, sample2048Image } from "./_app";

/**
 * Staging, on EKS Auto Mode: EKS runs the nodes (its general-purpose and system pools), block storage
 * and load balancing, so the project installs no node groups, autoscaler, EBS CSI driver or Load
 * Balancer Controller; the 2048 sample uses Auto Mode's IngressClass. One shared NAT gateway and a
 * public endpoint open to the office range only, like dev.
 */
export default {
  name: "staging",
  project: "acme",
  region: "eu-west-1",
  accountId: "333333333333",
  availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  tags: { CostCenter: "platform-staging", Owner: "platform-team" },
  vpc: { cidr: "10.30.0.0/16", natGateways: "single" },
  ecr: { repositories: appImages },
  eks: {
    kubernetesVersion: "1.35",
    endpointPublicAccess: true,
    publicAccessCidrs: ["203.0.113.0/24"],
    autoMode: { nodePools: ["general-purpose", "system"] },
    admins: { platform: "arn:aws:iam::333333333333:role/platform-admin" },
  },
  tables: appTables(),
  kubeconfig: { roleArn: "arn:aws:iam::333333333333:role/platform-admin" },
  workloads: { sample2048: true, sample2048Image, roleArn: "arn:aws:iam::333333333333:role/platform-admin" },
  // Planned in pull requests with the plan role the backend stack creates; deployed by hand.
  ci: { github: { repository: "acme/platform", deploy: false } },
} satisfies EnvInput;
