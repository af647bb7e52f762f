/**
 * The plan JSON kept beside the review (and uploaded by CI) on a real plan of a throw-away
 * configuration full of sensitive literals: Terraform's markers redact the values of resource
 * changes, but `configuration` keeps the literals (a password's constant_value, the provider's
 * keys, a sensitive variable's default) unmarked. The artifact must hold none of them, and the
 * review must still read it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writePlanArtifact } from "../../scripts/plan/plan-redact";
import { readPlanFile, renderMarkdown, summarizePlans, type PlanJson } from "../../scripts/plan/plan-summary";
import { getToolchain, testOutputDir, tfOk, type Toolchain } from "../helpers/terraform";

const tc = await getToolchain();
const out = testOutputDir("plan-artifact");

/** Every literal the configuration holds in clear text; none may reach the artifact. */
const LITERALS = {
  dbPassword: "Lit-db-password-7Qk2",
  ssmValue: "Lit-ssm-value-Vw9x",
  variableDefault: "Lit-variable-default-Hn4p",
  accessKey: "AKIALITACCESSKEY3Z8R",
  secretKey: "Lit-secret-key-Ue5m",
  outputValue: "Lit-output-value-Bc1t",
};

/** Offline: literal keys instead of credentials, and the provider's skip flags (nothing calls AWS). */
const CONFIG = {
  terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
  provider: {
    aws: [
      {
        region: "eu-west-1",
        access_key: LITERALS.accessKey,
        secret_key: LITERALS.secretKey,
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        max_retries: 1,
      },
    ],
  },
  variable: { db_password: { type: "string", sensitive: true, default: LITERALS.variableDefault } },
  resource: {
    aws_db_instance: {
      db: {
        identifier: "artifact-test",
        engine: "postgres",
        instance_class: "db.t3.micro",
        allocated_storage: 20,
        username: "app",
        password: LITERALS.dbPassword,
        skip_final_snapshot: true,
      },
    },
    aws_ssm_parameter: {
      token: { name: "/artifact-test/token", type: "SecureString", value: LITERALS.ssmValue },
      from_variable: { name: "/artifact-test/db", type: "SecureString", value: "${var.db_password}" },
    },
  },
  output: { token: { value: LITERALS.outputValue, sensitive: true } },
};

describe.runIf(tc)("the plan artifact of a real plan", () => {
  const toolchain = tc as Toolchain;
  const dir = path.join(out, "config");
  const file = path.join(out, "artifact.plan.json");
  let shown: string;

  beforeAll(async () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(CONFIG, null, 2));
    await tfOk(toolchain, dir, ["init", "-input=false", "-no-color"]);
    await tfOk(toolchain, dir, ["plan", "-input=false", "-no-color", "-lock=false", "-out=plan.tfplan"]);
    shown = (await tfOk(toolchain, dir, ["show", "-json", "plan.tfplan"])).stdout;
    writePlanArtifact(file, shown);
  });

  it("holds none of the configuration's literals, which terraform show -json prints", () => {
    for (const [name, literal] of Object.entries(LITERALS)) expect(shown, `${name} in terraform show -json`).toContain(literal);
    const text = fs.readFileSync(file, "utf8");
    for (const [name, literal] of Object.entries(LITERALS)) expect(text, `${name} in the artifact`).not.toContain(literal);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(["format_version", "terraform_version", "resource_changes", "output_changes"]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it("is still read by the review, which says the same as of the whole plan", () => {
    const trimmed = readPlanFile(file);
    const review = (plan: PlanJson) => renderMarkdown(summarizePlans([{ stack: "artifact", plan }], "Plan: artifact"));
    const md = review(trimmed);
    expect(md).toBe(review(JSON.parse(shown) as PlanJson));
    expect(md).toContain("| `artifact` | 3 | 0 | 0 | 0 | 0 | 0 | 0 |");
    expect(md).toContain("| `aws_db_instance.db` | create |");
  });
});
