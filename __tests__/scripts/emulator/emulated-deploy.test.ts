import { describe, expect, it } from "vitest";
import { EMULATED_SERVICES, emulatorBackendOverride, emulatorProviderOverride } from "../../../scripts/emulator/emulated-deploy";
import { fixtureEnv, synthEnv } from "../../helpers/synth";

const endpoint = "http://127.0.0.1:4566";
/** A role to assume, and S3 lock files. */
const bravo = await fixtureEnv("bravo");
const { json } = synthEnv(bravo);

describe("emulator overrides", () => {
  it("send every AWS service to the emulator, keeping the account guard, the role to assume and the caller's keys", () => {
    const override = emulatorProviderOverride(json.platform, endpoint) as { provider: { aws: Record<string, unknown> } };
    const aws = override.provider.aws;
    expect(aws).toMatchObject({ s3_use_path_style: true, skip_credentials_validation: true });
    // Keys come from the environment (AWS_ACCESS_KEY_ID), so a deploy can run as an IAM user the emulator enforces.
    expect(aws).not.toHaveProperty("access_key");
    expect(aws).not.toHaveProperty("secret_key");
    expect(Object.keys((aws.endpoints as Record<string, string>[])[0]).sort()).toEqual([...EMULATED_SERVICES].sort());
    expect(Object.values((aws.endpoints as Record<string, string>[])[0])).toEqual(EMULATED_SERVICES.map(() => endpoint));
    // Not touched: the emulator answers STS with the environment's account, and AssumeRole too.
    expect(aws).not.toHaveProperty("allowed_account_ids");
    expect(aws).not.toHaveProperty("assume_role");
    expect(aws).not.toHaveProperty("skip_requesting_account_id");
  });

  it("repeat the synthesized S3 backend whole (an override's backend block replaces it) with the emulator added", () => {
    const s3 = json.platform.terraform.backend!.s3;
    const override = emulatorBackendOverride(json.platform, endpoint) as {
      terraform: { backend: { s3: Record<string, unknown> } };
    };
    expect(override.terraform.backend.s3).toEqual({
      ...s3,
      endpoints: { s3: endpoint, dynamodb: endpoint, sts: endpoint, iam: endpoint },
      use_path_style: true,
      skip_region_validation: true,
      skip_metadata_api_check: true,
    });
    expect(override.terraform.backend.s3).toMatchObject({ use_lockfile: true, assume_role: s3.assume_role });
  });

  it("leave a stack with local state without a backend override (the backend stack declares S3 too)", () => {
    expect(json.backend.terraform.backend).toHaveProperty("s3");
    expect(emulatorBackendOverride({ terraform: { backend: { local: { path: "x" } } } }, endpoint)).toBeUndefined();
  });
});
