import { defineConfig } from "vitest/config";

/**
 * Three tiers:
 * - `unit`: synthesized JSON and pure functions; no binaries.
 * - `integration`: real Terraform (validate, offline plans), kubectl, openssl, S3/DynamoDB emulators,
 *   TLS servers; nothing deployed. `npm test` runs `unit` and `integration`.
 * - `e2e`: deploys against an emulated AWS (moto) through `npm run bootstrap`, and the CDK Terrain
 *   check. `npm run test:e2e` runs it.
 * - `adopt`: the replace-the-samples flow (`npm test` in a scratch copy holding only an environment
 *   of its own). `npm run test:adopt`; `.ci/run` runs all four.
 */
export default defineConfig({
  test: {
    reporters: ["default"],
    // The EKS support windows are checked against this date in every test and every script a test
    // starts, so no test breaks on a calendar date; tests of the windows pass dates of their own.
    // A day when every version the tests use (1.33 to 1.35) is in standard support.
    env: { EKS_TODAY: "2026-07-15" },
    // Much of the integration and e2e tiers waits on Terraform, moto and the provider's own waiters:
    // three files at a time keep both cores of a 2-core machine busy (the default would run one).
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: "unit",
          include: ["__tests__/**/*.test.ts"],
          exclude: ["__tests__/integration/**", "__tests__/e2e/**", "__tests__/adopt/**"],
          testTimeout: 20_000,
          // The provider bindings are large; sharing the module cache between files saves seconds.
          isolate: false,
        },
      },
      {
        test: {
          name: "integration",
          include: ["__tests__/integration/**/*.test.ts"],
          // As in unit: each file would otherwise load cdktf and the provider bindings again.
          isolate: false,
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          name: "adopt",
          include: ["__tests__/adopt/**/*.test.ts"],
          testTimeout: 1_800_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["__tests__/e2e/**/*.test.ts"],
          // Generous: a loaded 2-core machine can take several times an idle one's time.
          testTimeout: 1_200_000,
          hookTimeout: 1_800_000,
        },
      },
    ],
  },
});
