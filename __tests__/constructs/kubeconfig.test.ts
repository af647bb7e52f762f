/**
 * The kubeconfig file's path: Terraform resolves `local_file.filename` from the stack's folder, so
 * the project file it names must be found from there however deep the output folder is.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { synthApp } from "../../src/app";
import { testEnv } from "../helpers/synth";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "eks-kubeconfig-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const env = testEnv({ name: "kube", kubeconfig: { path: "kubeconfigs/kube.yaml" } });

/** Where the platform stack's kubeconfig file lands, resolved from that stack's folder as Terraform does. */
function kubeconfigTarget(outdir: string): string {
  const stacks = path.join(outdir, "stacks");
  const platform = fs.readdirSync(stacks).find((s) => s.endsWith("platform"))!;
  const json = JSON.parse(fs.readFileSync(path.join(stacks, platform, "cdk.tf.json"), "utf8")) as {
    resource: { local_file: Record<string, { filename: string }> };
  };
  return path.resolve(stacks, platform, json.resource.local_file.kubeconfig_file.filename);
}

describe("Kubeconfig file path", () => {
  it.each([
    ["cdktf.out in the project root", "proj/cdktf.out", undefined, "proj"],
    ["an output folder elsewhere, deeper", "elsewhere/a/b/out", "proj", "proj"],
    ["an output folder elsewhere, shallower", "out", "deep/x/proj", "deep/x/proj"],
  ])("lands in the project's kubeconfigs/ with %s", (_, outdir, root, expected) => {
    const out = path.join(scratch, outdir);
    synthApp([env], out, root ? { projectRoot: path.join(scratch, root) } : {});
    expect(kubeconfigTarget(out)).toBe(path.join(scratch, expected, "kubeconfigs", "kube.yaml"));
  });
});
