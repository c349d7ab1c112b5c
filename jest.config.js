/** Tests are transpiled by @swc/jest (no type-check: `npm run typecheck` does that, once, for everything). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test", "<rootDir>/modules", "<rootDir>/functions", "<rootDir>/environments", "<rootDir>/stacks"],
  testMatch: ["**/*.test.ts", "**/*.spec.ts"],
  transform: { "^.+\\.(t|j)sx?$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }] },
  transformIgnorePatterns: ["/node_modules/"],
  modulePathIgnorePatterns: ["<rootDir>/.build/", "<rootDir>/cdktf.out/", "<rootDir>/.validate/", "<rootDir>/dist/"],
  testTimeout: 120000,
};
