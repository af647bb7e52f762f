import { defineConfig } from "vitest/config";

/**
 * Two projects: `unit` (synthesized JSON, pure functions; seconds, no binaries) and `integration`
 * (real terraform, kubectl, openssl, S3/DynamoDB emulators, TLS servers). `npm test` runs both.
 */
export default defineConfig({
  test: {
    reporters: ["default"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["__tests__/**/*.test.ts"],
          exclude: ["__tests__/integration/**"],
          testTimeout: 20_000,
          // The provider bindings are large; sharing the module cache between files saves seconds.
          isolate: false,
        },
      },
      {
        test: {
          name: "integration",
          include: ["__tests__/integration/**/*.test.ts"],
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
