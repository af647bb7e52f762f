import { describe, expect, it } from "vitest";
import { isStateWriter } from "../../../scripts/deploy/state-writer";

const writers = ["arn:aws:iam::111111111111:role/eks/acme-dev/acme-dev-ci-deploy", "arn:aws:iam::111111111111:user/ops/alice"];

describe("isStateWriter", () => {
  it.each([
    // STS drops the role's path from an assumed-role ARN: matched by account and name.
    ["arn:aws:sts::111111111111:assumed-role/acme-dev-ci-deploy/GitHubActions", true],
    ["arn:aws:iam::111111111111:user/ops/alice", true],
    ["arn:aws:sts::222222222222:assumed-role/acme-dev-ci-deploy/GitHubActions", false],
    ["arn:aws:sts::111111111111:assumed-role/acme-dev-ci-plan/GitHubActions", false],
    ["arn:aws:sts::111111111111:assumed-role/acme-dev-ci-deploy-x/s", false],
    ["arn:aws-cn:sts::111111111111:assumed-role/acme-dev-ci-deploy/s", false],
    ["arn:aws:iam::111111111111:user/alice", false],
    ["arn:aws:iam::111111111111:root", false],
  ])("%s: %s", (caller, expected) => {
    expect(isStateWriter(caller, writers)).toBe(expected);
  });
});
