import { describe, expect, it } from "vitest";
import type { Statement } from "../../../src/lib/iam";
import { asMotoChecks } from "../../../scripts/emulator/moto";

describe("asMotoChecks", () => {
  it("keeps resources where moto checks them, puts the rest on *, drops conditions, keeps every action once", () => {
    const policy: Statement[] = [
      {
        Sid: "State",
        Effect: "Allow",
        Action: ["s3:ListBucket", "kms:Decrypt"],
        Resource: ["arn:aws:s3:::b/dev/*", "arn:aws:kms:eu-west-1:1:key/*"],
        Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/x" } },
      },
      { Sid: "Roles", Effect: "Allow", Action: ["iam:CreateRole"], Resource: ["arn:aws:iam::1:role/acme-dev-*"] },
      { Sid: "Keep", Effect: "Deny", Action: ["iam:DeletePolicy"], Resource: ["arn:aws:iam::1:policy/boundary"] },
    ];
    expect(asMotoChecks(policy)).toEqual([
      // moto checks HeadBucket as s3:HeadBucket; AWS as s3:ListBucket.
      { Effect: "Allow", Action: ["s3:ListBucket", "s3:HeadBucket"], Resource: ["arn:aws:s3:::b/dev/*", "arn:aws:kms:eu-west-1:1:key/*"] },
      { Effect: "Allow", Action: ["kms:Decrypt"], Resource: ["*"] },
      { Effect: "Allow", Action: ["iam:CreateRole"], Resource: ["*"] },
      { Effect: "Deny", Action: ["iam:DeletePolicy"], Resource: ["arn:aws:iam::1:policy/boundary"] },
    ]);
    // Nothing granted is lost; only moto's name for HeadBucket is added.
    const actions = (ps: Statement[]) => ps.flatMap((s) => ([] as string[]).concat(s.Action)).sort();
    expect(actions(asMotoChecks(policy))).toEqual([...actions(policy), "s3:HeadBucket"].sort());
  });
});
