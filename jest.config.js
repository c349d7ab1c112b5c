/** Tests are transpiled by @swc/jest (no type-check: `npm run typecheck` does that, once, for everything). */
const { existsSync } = require("node:fs");

module.exports = {
  testEnvironment: "node",
  roots: ["test", "modules", "functions", "config", "environments", "stacks", "toolchain", "scripts"].filter((d) => existsSync(`${__dirname}/${d}`)).map((d) => `<rootDir>/${d}`),
  testMatch: ["**/*.test.ts", "**/*.spec.ts"],
  transform: { "^.+\\.(t|j)sx?$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }] },
  transformIgnorePatterns: ["/node_modules/"],
  modulePathIgnorePatterns: ["<rootDir>/.build/", "<rootDir>/cdktf.out/", "<rootDir>/.validate/", "<rootDir>/dist/"],
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  setupFilesAfterEnv: ["<rootDir>/test/support/stop-esbuild.ts"],
  testTimeout: 180000,
  // Terraform suites wait on the terraform process, so use every core (jest's default leaves one idle).
  maxWorkers: "100%",
  // Not a leak: at exit a worker's only open handles are its IPC and stdio pipes (checked with
  // process.getActiveResourcesInfo() after jest's END message), but Node then tears down the worker's V8 heap (the
  // cdktf provider classes of every test file's module registry) and joins esbuild's sync-API worker thread. That
  // takes ~150-250 ms on an idle machine and over jest's default 500 ms grace period on a loaded 2-core one (strace:
  // still in munmap when jest sends SIGTERM), which printed "A worker process has failed to exit gracefully".
  // jest 30 option (added by https://github.com/jestjs/jest/pull/15984); a worker that really hangs is still killed.
  workerGracefulExitTimeout: 5000,
};
