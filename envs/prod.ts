import type { EnvInput } from "../src/config";
import { appImages, appTables } from "./_app";

/**
 * Production, after the first blog post: self-managed workers on a launch template, the Fargate
 * post's managed kube-system group, a managed group per zone for stateful pods, a Fargate profile for labelled pods, one NAT gateway per zone,
 * and a private-only API endpoint. Its own account, reached through a deploy role (a cluster admin,
 * so it can apply prod-workloads: the controllers, the autoscaler and the sample).
 */
export default {
  name: "prod",
  project: "acme",
  region: "eu-west-1",
  accountId: "222222222222",
  assumeRole: { roleArn: "arn:aws:iam::222222222222:role/acme-prod-deployer" },
  availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  tags: { CostCenter: "platform-prod", Owner: "platform-team" },
  tier: "production",
  logKmsEncryption: true,
  backend: { useLockfile: true, noncurrentVersionExpirationDays: 365 },
  vpc: { cidr: "10.20.0.0/16" },
  ecr: { repositories: appImages },
  eks: {
    kubernetesVersion: "1.35",
    endpointPublicAccess: false,
    // The self-hosted CI runners live in a peered tools VPC; only they (and the nodes) reach the API.
    apiAccess: { cidrs: ["10.99.0.0/24"] },
    // Access entries only (the default, said here because it cannot be undone): a cluster created
    // in API_AND_CONFIG_MAP moves to API once and never back, which the plan review flags.
    authenticationMode: "API",
    admins: {
      deployer: "arn:aws:iam::222222222222:role/acme-prod-deployer",
      platform: "arn:aws:iam::222222222222:role/platform-admin",
      breakglass: "arn:aws:iam::222222222222:role/breakglass",
    },
  },
  nodeGroups: {
    selfManaged: {
      app: { instanceType: "m5.large", minSize: 2, desiredSize: 3, maxSize: 6, labels: { workload: "app" } },
    },
    managed: {
      "kube-system": {
        instanceTypes: ["t3.medium", "t3a.medium"],
        minSize: 2,
        desiredSize: 2,
        maxSize: 4,
        labels: { "node-role": "system" },
        taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "PREFER_NO_SCHEDULE" }],
      },
      // Pods with EBS volumes: a volume lives in one zone, so one group per zone lets the autoscaler
      // add a node where a pending pod's volume is. Managed, because EKS drains each node with the
      // pods' disruption budgets respected (an update waits rather than evicting past them) and the
      // zones roll one after the other.
      stateful: {
        instanceTypes: ["m5.large"],
        perZone: true,
        minSize: 1,
        desiredSize: 1,
        maxSize: 3,
        labels: { workload: "stateful" },
      },
    },
  },
  fargate: {
    profiles: {
      batch: { selectors: [{ namespace: "batch", labels: { compute: "fargate" } }] },
    },
  },
  tables: appTables({ read: 5, write: 5 }),
  workloads: { loadBalancerController: true },
  // Deploys wait for the reviewers of the "production" GitHub environment.
  ci: {
    // The backend stack creates the plan and deploy roles for the repository's workflows; the
    // deploy role assumes acme-prod-deployer (assumeRole), which holds the deploy policy
    // (npm run ci:iam -- prod --role deploy).
    github: { repository: "acme/platform" },
    // Deploys run on a self-hosted runner in the tools VPC (the endpoint is private); pull-request
    // plans on GitHub-hosted runners (the default planRunsOn), never on the deploy runner.
    runsOn: ["self-hosted", "linux", "acme-prod-vpc"],
    githubEnvironment: "production",
  },
} satisfies EnvInput;
