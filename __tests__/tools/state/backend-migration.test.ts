import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { migrationDirection } from "../../../src/tools/state/backend-migration";
import { testEnv } from "../../helpers/synth";

function project(files: string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "migration-"));
  fs.mkdirSync(path.join(root, "terraform-state"));
  for (const f of files) fs.writeFileSync(path.join(root, "terraform-state", f), "{}");
  return root;
}

describe("migrationDirection", () => {
  const local = testEnv();
  const s3 = testEnv({ backend: { backendStackState: "s3" } });

  it("moves into the bucket when the file says s3, or while a local state exists", () => {
    expect(migrationDirection(s3, project(["test-backend.tfstate"]))).toBe("to-s3");
    expect(migrationDirection(local, project(["test-backend.tfstate", "test-backend.tfstate.migrated-2026-01-01"]))).toBe("to-s3");
  });

  it("moves back to the local file when the file says local again after a first migration", () => {
    expect(migrationDirection(local, project(["test-backend.tfstate.migrated-2026-01-01T00-00-00-000Z"]))).toBe("to-local");
    expect(migrationDirection(local, project([]), true)).toBe("to-local");
  });

  it("never guesses for an environment that was never migrated", () => {
    expect(migrationDirection(local, project([]))).toBe("to-s3");
  });
});
