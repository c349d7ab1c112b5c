// ESLint (flat config): typescript-eslint's recommended rules, import hygiene, and the project's import rules.
// `npm run lint` runs it together with `prettier --check`; formatting is Prettier's job, not ESLint's.
import js from "@eslint/js";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["node_modules/", ".tools/", "cdktf.out/", ".build/", ".validate/", "dist/", "coverage/", "test/fixtures/", "functions/cf2/"],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { "import-x": importX },
    settings: {
      // import-x reads the imported files too (no-cycle): it must resolve and parse TypeScript.
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".mjs", ".cjs", ".js", ".json", ".d.ts"] })],
      "import-x/extensions": [".ts", ".mjs", ".cjs", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
    },
    rules: {
      "import-x/no-cycle": "error",
      "import-x/no-duplicates": "error",
      "import-x/no-self-import": "error",
      "import-x/no-useless-path-segments": "error",
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "@cdktf/provider-aws", message: "Import provider resources by deep path: @cdktf/provider-aws/lib/<resource>." },
            { name: "cdktf", message: "Import the CDK Terrain core from cdktn (one core for the project and the provider bindings)." },
          ],
          patterns: [{ group: ["cdktf/*"], message: "Import the CDK Terrain core from cdktn/lib/... instead." }],
        },
      ],
      // Heavy modules (esbuild, fflate, the CloudFront Functions checker) are require()d lazily on purpose, so a synth that
      // does not need them does not pay for loading them; some paths are computed (environment files, bundles).
      "@typescript-eslint/no-require-imports": "off",
      // `_`-prefixed parameters and variables are deliberately unused (callback signatures, destructuring to omit).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // Tests read synthesized Terraform JSON and plans, whose shapes are the provider's, not ours. Their older
    // per-line `any` exemptions are harmless, so they are not reported as unused.
    files: ["**/*.test.ts", "**/*.spec.ts", "test/**"],
    linterOptions: { reportUnusedDisableDirectives: "off" },
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["**/*.cjs", "jest.config.js", "packages/cdktf/index.js"],
    languageOptions: { sourceType: "commonjs" },
  },
);
