import { problemsAfter as check } from "./support/config";
import { ConfigError, validateEnvironments } from "../config/load";
import dev from "../environments/dev";

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

const problemsAfter = (mutate: (env: any) => void) => check(dev, "environments/dev.ts", mutate);

const cases: [string, (env: any) => void, string][] = [
  [
    "permission set with a wildcard",
    (e) => (e.products[0].access.maintenance.permissionSets = ["Shop*"]),
    'environments/dev.ts: entry products[0] "shop", field "access.maintenance.permissionSets[0]": must be an IAM Identity Center permission set name: 1-32 of letters, digits',
  ],
  [
    "permission set name too long",
    (e) => (e.products[0].access.maintenance.permissionSets = ["x".repeat(33)]),
    'field "access.maintenance.permissionSets[0]": must be an IAM Identity Center permission set name',
  ],
  [
    "no permission set",
    (e) => (e.products[0].access.maintenance.permissionSets = []),
    'field "access.maintenance.permissionSets": name at least one permission set',
  ],
  [
    "session of 13 hours",
    (e) => (e.products[0].access.maintenance.maxSessionHours = 13),
    'field "access.maintenance.maxSessionHours": must be 1-12 hours (IAM MaxSessionDuration)',
  ],
  [
    "repository without owner",
    (e) => (e.products[1].access.cicd.repository = "media-edge-functions"),
    'entry products[1] "media", field "access.cicd.repository": must be a GitHub repository "owner/name"',
  ],
  [
    "GitHub environment with a wildcard",
    (e) => (e.products[0].access.cicd.environment = "*"),
    'field "access.cicd.environment": must be a GitHub environment name',
  ],
  ["empty access block", (e) => (e.products[0].access = {}), 'entry products[0] "shop", field "access": declare maintenance, cicd or both'],
  ["unknown access field", (e) => (e.products[0].access.admin = {}), 'field "access": unknown field "admin"; allowed here: maintenance, cicd'],
  [
    "cicd without an OIDC provider",
    (e) => delete e.githubOidc,
    'entry products[0] "shop", field "access.cicd": needs the environment\'s githubOidc: {} (create the provider) or { existingProviderArn }',
  ],
  [
    "provider ARN of another issuer",
    (e) => (e.githubOidc = { existingProviderArn: "arn:aws:iam::123456789012:oidc-provider/gitlab.com" }),
    'field "githubOidc.existingProviderArn": must be arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com',
  ],
  [
    "provider ARN of another account",
    (e) => (e.githubOidc = { existingProviderArn: "arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com" }),
    'field "githubOidc.existingProviderArn": must be in this environment\'s account 123456789012',
  ],
];

describe("bad application-team access configuration gets a precise message", () => {
  test.each(cases)("%s", (_name, mutate, message) => {
    expect(problemsAfter(mutate)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });
});

test("defaults: one-hour sessions; access and githubOidc are optional", () => {
  const [env] = validateEnvironments([{ file: "environments/dev.ts", input: dev }]);
  expect(env.products[0].access).toEqual({
    maintenance: { permissionSets: ["ShopDeveloper"], maxSessionHours: 1 },
    cicd: { repository: "example-org/shop-edge-functions", repositoryId: "712345601", ownerId: "81234567", environment: "dev", maxSessionHours: 1 },
  });
  const bare = clone(dev) as any;
  for (const p of bare.products) delete p.access;
  delete bare.githubOidc;
  expect(problemsAfter(() => {})).toEqual([]);
  expect(() => validateEnvironments([{ file: "environments/dev.ts", input: bare }])).not.toThrow();
});

test("two environments of one account cannot both create the GitHub OIDC provider", () => {
  const stg = { ...clone(dev), name: "stg", sites: [] } as any;
  try {
    validateEnvironments([
      { file: "environments/dev.ts", input: dev },
      { file: "environments/stg.ts", input: stg },
    ]);
    throw new Error("expected a ConfigError");
  } catch (err) {
    expect((err as ConfigError).problems).toEqual([
      'environments/stg.ts: field "githubOidc": environments/dev.ts already creates the GitHub OIDC provider of account 123456789012 (one per account); set existingProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"',
    ]);
  }
  stg.githubOidc = { existingProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" };
  expect(() =>
    validateEnvironments([
      { file: "environments/dev.ts", input: dev },
      { file: "environments/stg.ts", input: stg },
    ]),
  ).not.toThrow();
});
