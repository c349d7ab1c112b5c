/** Tests are transpiled by @swc/jest (no type-check: `npm run typecheck` does that, once, for everything). */
const { existsSync } = require("node:fs");

module.exports = {
  testEnvironment: "node",
  roots: ["test", "modules", "functions", "environments", "stacks"].filter((d) => existsSync(`${__dirname}/${d}`)).map((d) => `<rootDir>/${d}`),
  testMatch: ["**/*.test.ts", "**/*.spec.ts"],
  transform: { "^.+\\.(t|j)sx?$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }] },
  transformIgnorePatterns: ["/node_modules/"],
  modulePathIgnorePatterns: ["<rootDir>/.build/", "<rootDir>/cdktf.out/", "<rootDir>/.validate/", "<rootDir>/dist/"],
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  setupFilesAfterEnv: ["<rootDir>/test/support/stop-esbuild.ts"],
  testTimeout: 180000,
  // Terraform suites wait on the terraform process, so use every core (jest's default leaves one idle).
  maxWorkers: "100%",
};
