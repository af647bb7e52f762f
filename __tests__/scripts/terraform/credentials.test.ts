import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { hasAwsCredentials } from "../../../scripts/terraform/credentials";

describe("hasAwsCredentials", () => {
  it("finds credentials the way the AWS SDK would", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "creds-"));
    const none = { AWS_SHARED_CREDENTIALS_FILE: path.join(empty, "c"), AWS_CONFIG_FILE: path.join(empty, "k") };
    expect(hasAwsCredentials(none)).toBe(false);
    expect(hasAwsCredentials({ ...none, AWS_ACCESS_KEY_ID: "x" })).toBe(true);
    expect(hasAwsCredentials({ ...none, AWS_WEB_IDENTITY_TOKEN_FILE: "/t" })).toBe(true);
    fs.writeFileSync(none.AWS_CONFIG_FILE, "[profile x]\n");
    expect(hasAwsCredentials(none)).toBe(true);
  });
});
