import { describe, expect, it } from "vitest";
import { describeGaps, EMULATOR_GAPS, emulatorGapOverride, isLostAnswer } from "../../../scripts/emulator/emulator-gaps";
import { fixtureEnvs, synthEnv } from "../../helpers/synth";

const stack = {
  resource: {
    aws_eks_cluster: {
      eks: { name: "c", lifecycle: { ignore_changes: ["access_config[0].bootstrap_cluster_creator_admin_permissions"] } },
    },
    aws_eks_access_entry: { admin: { cluster_name: "${aws_eks_cluster.eks.name}", principal_arn: "arn:aws:iam::1:role/a" } },
    aws_eks_access_policy_association: {
      admin_policy: { principal_arn: "${aws_eks_access_entry.admin.principal_arn}", depends_on: ["aws_eks_access_entry.admin"] },
    },
    aws_vpc_security_group_ingress_rule: {
      from_primary: { referenced_security_group_id: "${aws_eks_cluster.eks.vpc_config[0].cluster_security_group_id}" },
      from_nodes: { referenced_security_group_id: "${aws_security_group.nodes.id}", description: "nodes" },
      from_office: { cidr_ipv4: "203.0.113.0/24", description: "office" },
    },
    aws_s3_bucket_lifecycle_configuration: {
      lc: { rule: [{ id: "r", noncurrent_version_expiration: [{ noncurrent_days: 90, newer_noncurrent_versions: 10 }] }] },
    },
  },
};

describe("emulatorGapOverride", () => {
  const result = emulatorGapOverride(stack);
  const override = result.override!.resource as Record<string, Record<string, Record<string, unknown>>>;

  it("excludes what the emulator cannot create with count = 0, indexing references between excluded resources", () => {
    expect(override.aws_eks_access_entry.admin).toEqual({ count: 0 });
    expect(override.aws_eks_access_policy_association.admin_policy).toEqual({
      count: 0,
      principal_arn: "${aws_eks_access_entry.admin[0].principal_arn}",
    });
    expect(override.aws_vpc_security_group_ingress_rule.from_primary).toEqual({ count: 0 });
  });

  it("drops an argument the emulator loses by rewriting its whole nested block", () => {
    expect(override.aws_s3_bucket_lifecycle_configuration.lc).toEqual({
      rule: [{ id: "r", noncurrent_version_expiration: [{ noncurrent_days: 90 }] }],
    });
  });

  it("ignores attributes the emulator never returns, keeping the stack's own ignore_changes", () => {
    expect(override.aws_eks_cluster.eks).toEqual({
      lifecycle: {
        ignore_changes: [
          "access_config[0].bootstrap_cluster_creator_admin_permissions",
          "access_config",
          "upgrade_policy",
          "compute_config",
          "storage_config",
          "tags",
        ],
      },
    });
    expect(override.aws_vpc_security_group_ingress_rule.from_nodes).toEqual({ lifecycle: { ignore_changes: ["description"] } });
    expect(override.aws_vpc_security_group_ingress_rule).not.toHaveProperty("from_office");
  });

  it("counts and describes what it did, each line with its reason", () => {
    expect(result).toMatchObject({ resources: 7, excluded: 3 });
    const lines = describeGaps("x-platform", result);
    expect(lines[0]).toBe("x-platform: 4 of 7 resources applied on the emulator, 3 excluded");
    expect(lines).toContain(
      "  excluded aws_eks_access_entry x1: moto 5.2.1 implements no EKS access-entry API (CreateAccessEntry answers 404)",
    );
  });

  it("leaves a stack the emulator fully supports alone", () => {
    expect(emulatorGapOverride({ resource: { aws_vpc: { vpc: { cidr_block: "10.0.0.0/16" } } } })).toEqual({
      override: undefined,
      applied: [],
      resources: 1,
      excluded: 0,
    });
  });

  it("gives every gap a reason that names the emulator release", () => {
    for (const gap of EMULATOR_GAPS) expect(gap.reason).toMatch(/^moto 5\.2\.1 /);
  });

  it("touches only resource types the project synthesizes, as the fixture environments show (no stale entries)", async () => {
    const types = new Set<string>();
    for (const env of await fixtureEnvs()) {
      const { json } = synthEnv(env);
      for (const s of [json.backend, json.platform]) for (const t of Object.keys(s.resource ?? {})) types.add(t);
    }
    const unused = EMULATOR_GAPS.filter((g) => !types.has(g.type)).map((g) => g.type);
    expect(unused).toEqual([]);
  });

  // Terraform's output of the two times a full e2e run met it (moto's log: the write answered 200,
  // then its resend refused).
  const CREATE_RESENT =
    "Error: creating IAM Role (acme-staging-app): operation error IAM: CreateRole, https response error StatusCode: 409, RequestID: hYERbIogmvUvQOpE06hEnRnvupb2HfUd22uOePPRSOJgvyGZxRsw, EntityAlreadyExists: Role with name acme-staging-app already exists.";
  const LOCK_RESENT = [
    "Acquiring state lock. This may take a few moments...",
    "",
    "Error: Error acquiring the state lock",
    "",
    "Error message: operation error DynamoDB: PutItem, https response error",
    "StatusCode: 400, RequestID:",
    "eh15miiJI0c8UUiVLsQ2ME6W22kvA5Nr2LNhRni815JECYDa7A8C,",
    "ConditionalCheckFailedException: The conditional request failed",
    "Lock Info:",
    "  ID:        38419e24-b872-2e69-6acd-eeaa36fc41c1",
  ].join("\n");

  // Seen in a clean-clone CI run (staging's platform): moto logged 4 egress revokes where dev, with
  // the same one security group, logged 3.
  const REVOKE_RESENT =
    "Error: revoking Security Group (sg-e9c125a13491c713a) Rule (sgr-d627e406f37d741c4): operation error EC2: RevokeSecurityGroupEgress, " +
    "https response error StatusCode: 400, RequestID: yXpWKO4zQ54qfCXOJ59Gajyi5pfJ0jvZsii7B5YEBREysrnVNnQi, api error InvalidPermission.NotFound: " +
    "The specified rule does not exist in this security group";

  it.each([
    ["a create refused as existing", CREATE_RESENT, true],
    ["a revoke refused as already done", REVOKE_RESENT, true],
    [
      "a revoke denied",
      REVOKE_RESENT.replace("StatusCode: 400", "StatusCode: 403").replace("InvalidPermission.NotFound", "UnauthorizedOperation"),
      false,
    ],
    ["an authorize of a missing group", REVOKE_RESENT.replace("RevokeSecurityGroupEgress", "AuthorizeSecurityGroupEgress"), false],
    ["a lock refused by the lock table", LOCK_RESENT, true],
    [
      "a lock refused by the lockfile",
      LOCK_RESENT.replace("DynamoDB: PutItem", "S3: PutObject").replace("ConditionalCheckFailedException", "PreconditionFailed"),
      true,
    ],
    [
      "a denied create",
      "Error: creating IAM Role (x): operation error IAM: CreateRole, https response error StatusCode: 403, AccessDenied",
      false,
    ],
    [
      "a 409 whose reason is on another line",
      "Error: creating EKS Cluster (x): StatusCode: 409,\nResourceInUseException: already exists",
      false,
    ],
    [
      "a lock that could not be read",
      "Error: Error acquiring the state lock\n\nError message: operation error DynamoDB: PutItem, https response error\nStatusCode: 500",
      false,
    ],
  ])("tells the emulator's lost answer from other failures: %s", (_, text, lost) => {
    expect(isLostAnswer(text)).toBe(lost);
  });
});
