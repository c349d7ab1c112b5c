/**
 * Safeguards (config/security.ts): every combination that cannot work is rejected with the file, entry and
 * field named, and nothing is synthesized. Built on copies of the examples, so new environments change nothing here.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { problemsAfter as check } from "./support/config";
import { validateEnvironments } from "../config/load";
import dev from "../environments/dev";
import prod from "../environments/prod";

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const prodProblems = (mutate: (env: any) => void) => check(prod, "environments/prod.ts", mutate);
const devProblems = (mutate: (env: any) => void) => check(dev, "environments/dev.ts", mutate);
/** The index of prod's first site with continuous deployment and a replication source (derived, not assumed). */
const cdSite = (e: any) => e.sites.find((s: any) => s.continuousDeployment && s.invalidation?.replicationSourceRoleArn);
const plainSite = (e: any) => e.sites.find((s: any) => !s.continuousDeployment);
const withCd = (e: any) => {
  const s = plainSite(e);
  s.continuousDeployment = { traffic: { type: "header", header: "aws-cf-cd-release", value: "candidate" } };
  return s;
};

const prodCases: [string, (env: any) => void, string][] = [
  [
    "replication grant on the whole bucket of a site with continuous deployment",
    (e) => delete cdSite(e).invalidation.replicationPrefix,
    'entry sites[0] "web", field "invalidation.replicationPrefix": is required with continuousDeployment: a replication grant on the whole bucket writes into release prefixes',
  ],
  [
    "invalidation of changed paths with continuous deployment",
    (e) => (cdSite(e).invalidation.paths = "changed"),
    'entry sites[0] "web", field "invalidation.paths": cannot be "changed" with continuousDeployment',
  ],
  [
    "an invalidation that would flush the primary on every release upload",
    (e) => (withCd(e).invalidation = {}),
    'entry sites[1] "lp", field "invalidation": with continuousDeployment the release flow invalidates releases',
  ],
  [
    "replication prefix shaped like a commit id (CodeStar source)",
    (e) => {
      const s = cdSite(e);
      s.continuousDeployment.pipeline.source = {
        type: "codestar",
        connectionArn: "arn:aws:codestar-connections:ap-northeast-1:345678901234:connection/6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
        repository: "example-org/shop-web",
        branch: "main",
      };
      s.invalidation.replicationPrefix = "deadbeef/";
    },
    'field "invalidation.replicationPrefix": "deadbeef/" could be a release prefix (releases are named after the commit id)',
  ],
  [
    "replication prefix shaped like an S3 version id (S3 source)",
    (e) => (cdSite(e).invalidation.replicationPrefix = "abcdefghijklmnopqrstuvwxyz012345/"),
    "could be a release prefix (releases are named after the source object's version id)",
  ],
  [
    "replication prefix with a leading slash",
    (e) => (cdSite(e).invalidation.replicationPrefix = "/vendor/"),
    'field "invalidation.replicationPrefix": must be one folder name',
  ],
  [
    "replication prefix without a trailing slash",
    (e) => (cdSite(e).invalidation.replicationPrefix = "vendor"),
    'field "invalidation.replicationPrefix": must be one folder name',
  ],
  [
    "replication prefix with a wildcard",
    (e) => (cdSite(e).invalidation.replicationPrefix = "vendor*/"),
    'field "invalidation.replicationPrefix": must be one folder name',
  ],
  [
    "invalidation filter outside the replication prefix",
    (e) => (cdSite(e).invalidation.prefix = "assets/"),
    'field "invalidation.prefix": must start with replicationPrefix "vendor/" with continuousDeployment',
  ],
  [
    "replication prefix without a replication source",
    (e) => delete cdSite(e).invalidation.replicationSourceRoleArn,
    'field "invalidation.replicationPrefix": is the prefix of a replication source: set replicationSourceRoleArn too',
  ],
  [
    "prod distribution without a certificate",
    (e) => delete plainSite(e).distribution.certificateArn,
    'entry sites[1] "lp", field "distribution.certificateArn": is required in this environment (security.requireCertificate)',
  ],
  [
    "prod distribution with a certificate but no alias",
    (e) => (plainSite(e).distribution.aliases = []),
    'entry sites[1] "lp", field "distribution.aliases": name at least one alias in this environment (security.requireCertificate)',
  ],
  [
    "prod distribution without standard logging",
    (e) => delete plainSite(e).distribution.logging,
    'entry sites[1] "lp", field "distribution.logging": is required in this environment (security.requireLogging)',
  ],
  [
    "a cache behavior on the replication folder (served outside the release by its own behavior)",
    (e) => cdSite(e).distribution.behaviors.push({ pathPattern: "/vendor/*" }),
    'field "distribution.behaviors[2].pathPattern": "/vendor/*" is the behavior that serves the replication source\'s folder outside the release',
  ],
  [
    "security flag that is not a boolean",
    (e) => (e.security.protectFromDeletion = "yes"),
    'field "security.protectFromDeletion": must be true or false, not the text "yes"',
  ],
  ["unknown security flag", (e) => (e.security.requireWafs = true), 'field "security": unknown field "requireWafs": did you mean "requireWaf"?'],
  [
    "a site without a web ACL under requireWaf",
    (e) => delete e.sites[0].waf,
    `entry sites[0] "${prod.sites![0].name}", field "waf": is required in this environment (security.requireWaf)`,
  ],
  [
    "an existing web ACL of another scope",
    (e) => (e.sites[0].waf = { webAclArn: "arn:aws:wafv2:eu-west-1:345678901234:regional/webacl/x/0f0e0d0c-0b0a-0908-0706-050403020100" }),
    'field "waf.webAclArn": must be the ARN of a web ACL with scope CLOUDFRONT',
  ],
  [
    "a rate limit for an existing web ACL",
    (e) => (e.sites[0].waf = { webAclArn: "arn:aws:wafv2:us-east-1:345678901234:global/webacl/x/0f0e0d0c-0b0a-0908-0706-050403020100", rateLimit: 100 }),
    'field "waf.rateLimit": configures the web ACL this project creates',
  ],
  [
    "an alarm threshold for an existing web ACL",
    (e) =>
      (e.sites[0].waf = {
        webAclArn: "arn:aws:wafv2:us-east-1:345678901234:global/webacl/x/0f0e0d0c-0b0a-0908-0706-050403020100",
        blockedRequestsAlarmThreshold: 5,
      }),
    'field "waf.blockedRequestsAlarmThreshold": configures the web ACL this project creates',
  ],
  [
    "a negative alarm threshold",
    (e) => (e.sites[0].waf = { blockedRequestsAlarmThreshold: -1 }),
    'field "waf.blockedRequestsAlarmThreshold": must be 0 (page on every blocked request) or more',
  ],
  [
    "repository id with letters",
    (e) => (e.products[0].access.cicd.repositoryId = "shop-edge"),
    'entry products[0] "shop", field "access.cicd.repositoryId": must be the repository\'s numeric id as a string of digits',
  ],
  [
    "repository id as a number",
    (e) => (e.products[0].access.cicd.repositoryId = 712345601),
    'field "access.cicd.repositoryId": must be a quoted string, not the number 712345601',
  ],
  ["owner id missing", (e) => delete e.products[0].access.cicd.ownerId, 'entry products[0] "shop", field "access.cicd.ownerId": is required (a quoted string)'],
  [
    "owner id with a leading zero",
    (e) => (e.products[0].access.cicd.ownerId = "0123"),
    'field "access.cicd.ownerId": must be the repository owner\'s numeric id',
  ],
  [
    "workflow pin with a wildcard",
    (e) => (e.products[0].access.cicd.workflowRef = "example-org/shop-edge-functions/.github/workflows/*.yml@refs/heads/main"),
    'field "access.cicd.workflowRef": must be "<owner>/<repo>/.github/workflows/<file>.yml@refs/heads/<branch>"',
  ],
  [
    "workflow pin of another repository",
    (e) => (e.products[0].access.cicd.workflowRef = "other-org/tools/.github/workflows/publish.yml@refs/heads/main"),
    'field "access.cicd.workflowRef": names a workflow of another repository; a job of example-org/shop-edge-functions runs',
  ],
  [
    "alarm topic that is no SNS ARN",
    (e) => (e.alarms = { topicArn: "arn:aws:sqs:ap-northeast-1:345678901234:alarms" }),
    'field "alarms.topicArn": must be an SNS topic ARN',
  ],
  ["alarm e-mail without a domain", (e) => (e.alarms.emails = ["oncall"]), "alarms.emails[0]: must be an e-mail address"],
  [
    "alarm topic of another account",
    (e) => (e.alarms = { topicArn: "arn:aws:sns:ap-northeast-1:999999999999:alarms" }),
    'field "alarms.topicArn": must be in this environment\'s account 345678901234 and region ap-northeast-1',
  ],
  [
    "alarm topic and e-mails together",
    (e) => (e.alarms = { topicArn: "arn:aws:sns:ap-northeast-1:345678901234:alarms", emails: ["a@example.com"] }),
    'field "alarms.emails": subscribe addresses to an existing topic where it is managed',
  ],
];

describe("bad safeguard combinations get a precise message", () => {
  test.each(prodCases)("%s", (_name, mutate, message) => {
    expect(prodProblems(mutate)).toEqual(expect.arrayContaining([expect.stringContaining(`environments/prod.ts: `)]));
    expect(prodProblems(mutate)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });
});

test("the safeguards are environment-level rules, not a special case of the name prod", () => {
  // dev with the same flags gets the same rules (its lp has neither certificate nor logging).
  const problems = devProblems((e) => (e.security = { requireCertificate: true, requireLogging: true }));
  const lp = dev.sites!.findIndex((s) => s.name === "lp");
  expect(problems).toEqual(
    expect.arrayContaining([
      expect.stringContaining(`environments/dev.ts: entry sites[${lp}] "lp", field "distribution.certificateArn": is required in this environment`),
      expect.stringContaining(`environments/dev.ts: entry sites[${lp}] "lp", field "distribution.logging": is required in this environment`),
    ]),
  );
  // prod with the flags off accepts a distribution on the default certificate.
  expect(
    prodProblems((e) => {
      e.security = {};
      delete plainSite(e).distribution.certificateArn;
      plainSite(e).distribution.aliases = [];
      delete plainSite(e).distribution.logging;
    }),
  ).toEqual([]);
});

test("defaults: every safeguard off, no alarms", () => {
  const input = clone(dev) as any;
  delete input.security;
  const [env] = validateEnvironments([{ file: "environments/dev.ts", input }]);
  expect(env.security).toEqual({
    requireCertificate: false,
    requireLogging: false,
    protectFromDeletion: false,
    liveChangesOnlyThroughCicd: false,
    requireWaf: false,
  });
  expect(env.alarms).toBeUndefined();
});

test("a replication source without continuous deployment may keep the whole bucket", () => {
  expect(devProblems((e) => (e.sites[0].invalidation.replicationSourceRoleArn = "arn:aws:iam::456789012345:role/vendor"))).toEqual([]);
});

test("all problems of a bad production file are listed at once and nothing is synthesized", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-envs-"));
  const bad = clone(prod) as any;
  delete cdSite(bad).invalidation.replicationPrefix;
  delete plainSite(bad).distribution.logging;
  bad.products[0].access.cicd.repositoryId = "x";
  writeFileSync(path.join(dir, "prod.json"), JSON.stringify(bad));
  const outdir = path.join(dir, "out");
  const r = spawnSync(process.execPath, [path.join(__dirname, "..", "scripts", "app.mjs")], {
    env: { ...process.env, EDGE_ENVIRONMENTS_DIR: dir, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("Invalid configuration (3 problems); nothing was synthesized");
  expect(r.stderr).toContain('field "invalidation.replicationPrefix"');
  expect(r.stderr).toContain('field "distribution.logging"');
  expect(r.stderr).toContain('field "access.cicd.repositoryId"');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(outdir)).toBe(false);
});

test("deployRoles.allowedAwsManagedPolicyArns refuses what would lift the boundary", () => {
  const problems = devProblems((e) => (e.deployRoles = { ...e.deployRoles, allowedAwsManagedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }));
  expect(problems).toEqual(
    expect.arrayContaining([expect.stringContaining('field "deployRoles.allowedAwsManagedPolicyArns": must not allow AdministratorAccess')]),
  );
});
