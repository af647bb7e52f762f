import { describe, expect, it } from "vitest";
import { SUPPORT_WARNING_DAYS, supportToday, supportWindow } from "../../src/lib/eks-versions";

describe("supportWindow", () => {
  // 1.34: standard support until 2026-12-02, extended until 2027-12-02; 1.35 follows.
  it.each([
    ["2026-07-01", "STANDARD", {}],
    [
      "2026-08-04",
      "STANDARD",
      {
        warning:
          'leaves standard support on 2026-12-02 (in 120 days); upgrade to 1.35 (npm run upgrade), or set eks.supportType "EXTENDED" (extended support costs extra per cluster hour)',
      },
    ],
    ["2026-08-04", "EXTENDED", { warning: "leaves standard support on 2026-12-02 (in 120 days); upgrade to 1.35 (npm run upgrade)" }],
    [
      "2026-12-03",
      "STANDARD",
      {
        error:
          'left standard support on 2026-12-02; upgrade to 1.35 (npm run upgrade), or set eks.supportType "EXTENDED" to stay on it until 2027-12-02 (extended support costs extra per cluster hour)',
      },
    ],
    [
      "2026-12-03",
      "EXTENDED",
      { warning: "is in extended support (paid per cluster hour) until 2027-12-02; upgrade to 1.35 (npm run upgrade)" },
    ],
    [
      "2027-12-03",
      "EXTENDED",
      { error: "reached the end of extended support on 2027-12-02; EKS upgrades such clusters itself: upgrade to 1.35 (npm run upgrade)" },
    ],
  ] as const)("1.34 on %s with %s support", (today, supportType, expected) => {
    expect(supportWindow("1.34", supportType, today)).toEqual(expected);
  });

  it("starts warning exactly SUPPORT_WARNING_DAYS before the end of standard support", () => {
    expect(SUPPORT_WARNING_DAYS).toBe(120);
    expect(supportWindow("1.34", "STANDARD", "2026-08-03")).toEqual({});
    expect(supportWindow("1.34", "STANDARD", "2026-08-04").warning).toContain("in 120 days");
  });

  it("names no next version for the newest one", () => {
    expect(supportWindow("1.35", "STANDARD", "2027-03-28").error).toContain("upgrade to the next version once this project supports it");
  });
});

describe("supportToday", () => {
  it("takes EKS_TODAY, refuses a malformed one, and is the UTC date otherwise", () => {
    expect(supportToday({ EKS_TODAY: "2027-01-31" })).toBe("2027-01-31");
    expect(() => supportToday({ EKS_TODAY: "31.01.2027" })).toThrow('EKS_TODAY must be a date like 2026-12-06 (got "31.01.2027")');
    expect(supportToday({})).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
