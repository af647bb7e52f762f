import type { EnvInput } from "../src/config";

/** Production: its own account, reached through a deploy role; S3-native and DynamoDB locking together. */
export default {
  name: "prod",
  project: "acme",
  region: "eu-west-1",
  accountId: "222222222222",
  assumeRole: { roleArn: "arn:aws:iam::222222222222:role/acme-prod-deployer" },
  availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  tags: { CostCenter: "platform-prod", Owner: "platform-team" },
  backend: { useLockfile: true, noncurrentVersionExpirationDays: 365 },
} satisfies EnvInput;
