/**
 * Documentation generated from the code, so it cannot drift: `npm run docs:update` writes it, a test
 * compares it with what is checked in.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as prettier from "prettier";
import { buildApp, loadEnvs, PROJECT_ROOT } from "../app";
import { emulatorGapsMarkdown, withGapsTable } from "./emulator-gaps";
import { stackId } from "./naming";

/** The README with the emulator-gap table of the sample environments' backend and platform stacks. */
export async function generatedGapsTable(readme: string): Promise<string> {
  const envs = await loadEnvs();
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "docs-"));
  try {
    buildApp(envs, outdir).app.synth();
    const stacks = envs.flatMap((env) =>
      (["backend", "platform"] as const).map((kind) => {
        const stack = stackId(env.name, kind);
        return {
          stack,
          json: JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as Record<string, unknown>,
        };
      }),
    );
    // Formatted as `npm run lint` wants it, so the checked-in file passes both checks.
    const options = (await prettier.resolveConfig(path.join(PROJECT_ROOT, "README.md"))) ?? {};
    return prettier.format(withGapsTable(readme, emulatorGapsMarkdown(stacks)), { ...options, parser: "markdown" });
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
