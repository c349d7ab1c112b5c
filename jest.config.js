/** Tests are transpiled by @swc/jest (no type-check: `npm run typecheck` does that, once, for everything). */
const { readdirSync } = require("node:fs");
const path = require("node:path");

/** A test or spec file, whatever the folder: the same pattern test/jest-roots.test.ts uses to find them all. */
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;
/** Top-level folders that hold no source: dependencies and build or tool output. */
const NOT_SOURCE = new Set(["node_modules", "cdktf.out", "dist", "coverage"]);

function holdsTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? e.name !== "node_modules" && !e.name.startsWith(".") && holdsTests(path.join(dir, e.name)) : TEST_FILE.test(e.name),
  );
}

/**
 * Every top-level folder with a test or spec file in it: a folder added later is tested without editing this list.
 * Not the whole project as one root: jest would then crawl .validate (Terraform work directories) and node_modules.
 */
const roots = readdirSync(__dirname, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith(".") && !NOT_SOURCE.has(e.name) && holdsTests(path.join(__dirname, e.name)))
  .map((e) => `<rootDir>/${e.name}`);

module.exports = {
  testEnvironment: "node",
  roots,
  testMatch: ["**/*.test.ts", "**/*.spec.ts"],
  transform: { "^.+\\.(t|j)sx?$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }] },
  transformIgnorePatterns: ["/node_modules/"],
  modulePathIgnorePatterns: ["<rootDir>/.build/", "<rootDir>/cdktf.out/", "<rootDir>/.validate/", "<rootDir>/dist/"],
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  globalTeardown: "<rootDir>/test/support/global-teardown.ts",
  testSequencer: "<rootDir>/test/support/sequencer.js",
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
