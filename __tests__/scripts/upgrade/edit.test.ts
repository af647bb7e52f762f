import { describe, expect, it } from "vitest";
import { editKubernetesVersion } from "../../../scripts/upgrade/edit";

const ts = `export default {
  name: "qa",
  eks: {
    // the control plane
    kubernetesVersion: "1.34",
    endpointPublicAccess: false,
  },
  nodeGroups: { managed: { old: { kubernetesVersion: "1.33", minSize: 1 } } },
} satisfies EnvInput;
`;

describe("editKubernetesVersion", () => {
  it("replaces the cluster's literal only, in place, and names its line", () => {
    const edit = editKubernetesVersion("envs/qa.ts", ts, "1.34", "1.35");
    expect(edit).toMatchObject({ line: 5, before: 'kubernetesVersion: "1.34"', after: 'kubernetesVersion: "1.35"' });
    expect("text" in edit && edit.text).toBe(ts.replace('kubernetesVersion: "1.34"', 'kubernetesVersion: "1.35"'));
  });

  it("edits a JSON file and single quotes alike", () => {
    const json = `{\n  "name": "qa",\n  "eks": {\n    "kubernetesVersion": "1.34"\n  }\n}\n`;
    const edit = editKubernetesVersion("envs/qa.json", json, "1.34", "1.35");
    expect("text" in edit && edit.text).toBe(json.replace('"1.34"', '"1.35"'));
    const single = editKubernetesVersion("envs/qa.ts", "eks: { kubernetesVersion: '1.34' }", "1.34", "1.35");
    expect("text" in single && single.text).toBe("eks: { kubernetesVersion: '1.35' }");
  });

  it("says what to change when the literal is not there exactly once, and writes nothing", () => {
    expect(editKubernetesVersion("envs/qa.ts", "eks: { kubernetesVersion: VERSION }", "1.34", "1.35")).toEqual({
      instruction: 'in envs/qa.ts, set eks.kubernetesVersion to "1.35": the literal kubernetesVersion: "1.34" occurs nowhere in it',
    });
    const twice = `${ts}// was kubernetesVersion: "1.34"\n`;
    expect(editKubernetesVersion("envs/qa.ts", twice, "1.34", "1.35")).toEqual({
      instruction: 'in envs/qa.ts, set eks.kubernetesVersion to "1.35": the literal kubernetesVersion: "1.34" occurs 2 times in it',
    });
  });

  it("leaves the file to the user when a node group pins the same version", () => {
    expect(editKubernetesVersion("envs/qa.ts", ts, "1.34", "1.35", ["managed.old"])).toEqual({
      instruction:
        'in envs/qa.ts, set eks.kubernetesVersion to "1.35": node groups managed.old pin their own kubernetesVersion to "1.34" too, so the cluster\'s literal cannot be told apart from theirs',
    });
  });
});
