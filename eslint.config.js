// Type-aware lint over every package, app, test and benchmark. The rules kept are the ones
// that find bugs the type checker lets through (a promise nobody awaits, an `any` leaking
// out of a parsed message, a condition that is always true); style is left to the reviewer.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["**/node_modules/", "**/dist/", "packages/db/src/generated/", "test-artifacts/"],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // Off: an async function without await is how a callback meets a promise-typed
      // interface (tRPC resolvers, commander actions, fakes); the bugs around promises are
      // what no-floating-promises and no-misused-promises catch.
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: true },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-import-type-side-effects": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  {
    // vitest types its asymmetric matchers (expect.any, expect.stringContaining) as `any`, and
    // they only ever sit inside an expectation; every other no-unsafe-* rule still holds here.
    files: ["**/*.test.ts", "**/test/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-unsafe-assignment": "off" },
  },
  {
    // Plain JavaScript build scripts and launchers: no type information to check against.
    files: ["**/*.mjs", "**/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
