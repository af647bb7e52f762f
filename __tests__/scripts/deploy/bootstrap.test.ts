import { describe, expect, it } from "vitest";
import { countChanges } from "../../../scripts/deploy/bootstrap";

describe("countChanges", () => {
  it.each([
    ["Apply complete! Resources: 9 added, 1 changed, 0 destroyed.", { added: 9, changed: 1, destroyed: 0 }],
    // With import blocks (an apply after an interrupted one), Terraform counts the imports first.
    ["Apply complete! Resources: 1 imported, 1 added, 1 changed, 0 destroyed.", { added: 1, changed: 1, destroyed: 0 }],
    ["Destroy complete! Resources: 12 destroyed.", { added: 0, changed: 0, destroyed: 12 }],
    ["No changes. Your infrastructure matches the configuration.", undefined],
  ])("%s", (stdout, expected) => {
    expect(countChanges(`\n${stdout}\n`)).toEqual(expected);
  });
});
