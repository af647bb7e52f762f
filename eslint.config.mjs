// ESLint flat config: TypeScript rules, Vitest rules that catch assertions which assert nothing,
// and a ban on the provider packages' root imports (each costs ~4 s and ~600 MB per process).
import js from "@eslint/js";
import vitest from "@vitest/eslint-plugin";
import globals from "globals";
import tseslint from "typescript-eslint";

const providerRoots = ["aws", "kubernetes", "helm", "external", "local"].map((p) => ({
  name: `@cdktf/provider-${p}`,
  message: `Import the class by deep path, e.g. @cdktf/provider-${p}/lib/<resource>: the package root loads every resource binding.`,
}));

/** Layering: the synth path (src/) never reaches the workflow tooling (scripts/); leaf helpers never reach config, policy or stacks; constructs never reach policy. */
const layer = (forbidden, why) => [
  "error",
  { paths: providerRoots, patterns: [{ regex: `^\\.\\.?/(?:.*/)?(?:${forbidden.join("|")})(?:/|$)`, message: why }] },
];

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      ".cache/",
      "cdktf.out/",
      ".test-output/",
      "terraform-state/",
      "coverage/",
      "plans/",
      "bench-results/",
      ".emulated/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.mts"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  { files: ["**/*.{js,mjs,cjs}"], extends: [tseslint.configs.disableTypeChecked] },
  {
    rules: {
      "no-restricted-imports": ["error", { paths: providerRoots }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  {
    files: ["src/lib/**/*.ts"],
    rules: {
      "no-restricted-imports": layer(
        ["config", "policy", "stacks", "constructs", "scripts", "app"],
        "src/lib holds leaf helpers of the synth path: they import only each other and packages",
      ),
    },
  },
  {
    files: ["src/constructs/**/*.ts"],
    rules: {
      "no-restricted-imports": layer(
        ["stacks", "policy", "scripts", "app"],
        "constructs import leaf helpers (src/lib), never stacks, the policy pack or scripts (opt-outs become suppressions in src/config/opt-outs.ts)",
      ),
    },
  },
  {
    files: ["src/config/**/*.ts", "src/policy/**/*.ts", "src/stacks/**/*.ts", "src/app.ts", "src/boot.ts", "main.ts"],
    rules: {
      "no-restricted-imports": layer(
        ["scripts"],
        "the synth path never imports workflow tooling (scripts/ spawn processes and open sockets)",
      ),
    },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["__tests__/**/*.ts"],
    plugins: { vitest },
    rules: {
      ...vitest.configs.recommended.rules,
      "vitest/valid-expect": ["error", { maxArgs: 2 }],
      "vitest/expect-expect": ["error", { assertFunctionNames: ["expect", "expect*", "tfOk", "assert*"] }],
      "vitest/no-conditional-expect": "error",
      "vitest/no-disabled-tests": "error",
      "vitest/no-focused-tests": "error",
      "vitest/valid-title": "off",
    },
  },
);
