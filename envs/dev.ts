import type { EnvInput } from "../src/config";
import { appImages, appTables, sample2048Image } from "./_app";

/**
 * Development, after the Fargate blog post: Fargate only (CoreDNS and the load balancer controller
 * run on Fargate too), one shared NAT gateway, a public API endpoint open to the office range only,
 * and the post's 2048 sample behind an internet-facing ALB.
 */
export default {
  name: "dev",
  project: "acme",
  region: "eu-west-1",
  accountId: "111111111111",
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
  tags: { CostCenter: "platform-dev", Owner: "platform-team" },
  vpc: { cidr: "10.10.0.0/16", natGateways: "single" },
  ecr: { repositories: appImages, imageTagMutability: "IMMUTABLE" },
  eks: {
    kubernetesVersion: "1.35",
    endpointPublicAccess: true,
    publicAccessCidrs: ["203.0.113.0/24"],
    authenticationMode: "API",
    admins: { platform: "arn:aws:iam::111111111111:role/platform-admin" },
    logRetentionDays: 90,
  },
  fargate: {
    profiles: {
      apps: { selectors: [{ namespace: "default" }, { namespace: "2048-game" }] },
    },
  },
  tables: appTables(),
  kubeconfig: { roleArn: "arn:aws:iam::111111111111:role/platform-admin" },
  // The kubernetes and helm providers take their token as the platform admin role.
  workloads: { sample2048: true, sample2048Image, loadBalancerController: true, roleArn: "arn:aws:iam::111111111111:role/platform-admin" },
  // Planned in pull requests (the backend and platform) with the plan role the backend stack
  // creates for the repository; deployed by hand (npm run bootstrap), so no deploy role.
  ci: { github: { repository: "acme/platform", deploy: false } },
} satisfies EnvInput;
