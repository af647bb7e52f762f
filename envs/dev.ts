import type { EnvInput } from "../src/config";

/** Development: one account, cheap defaults. */
export default {
  name: "dev",
  project: "acme",
  region: "eu-west-1",
  accountId: "111111111111",
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
  tags: { CostCenter: "platform-dev", Owner: "platform-team" },
} satisfies EnvInput;
