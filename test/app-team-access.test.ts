/**
 * The permissions matrix of the application-team roles: the synthesized roles and the policies attached to them,
 * evaluated by an IAM policy simulator (@cloud-copilot/iam-simulate, AGPL: a dev dependency used only here).
 * Cases are generated from the example environments, so a new product or environment is covered without edits.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { loadEnvironments, validateEnvironments } from "../config/load";
import type { Environment } from "../config/environment";
import { AppTeamRoleKind, FunctionOwner } from "../model/vocabulary";
import { appTeamRoleName, githubOidcProviderArn, githubSubject, functionName } from "../model/names";
import type { PolicyDocument } from "../modules/blocks/policy";
import { abacPoliciesDenyRetagging, noSessionTagsInTrust, onlyRealActions } from "../guardrails/rules/iam";
import type { Rule } from "../guardrails";
import { accountOf, rolesOf, type SynthesizedRole } from "../scripts/lib/synthesized-iam";
import { synthesize, synthesizeExamples } from "./support/synth";
import { loadFunctions, type Cf2Function } from "../config/functions/cf2/load";
import dev from "../environments/dev";
import { CONSOLE_DENIED_ACTIONS } from "../model/safeguards";

type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" | "InvalidAction";

const envs = loadEnvironments(path.join(__dirname, "..", "environments"));
const stacks = synthesizeExamples();
const functions = loadFunctions(envs, path.join(__dirname, "..", "functions", "cf2"));

async function decide(s: {
  principal: string;
  action: string;
  resource: string;
  account: string;
  context?: Record<string, string>;
  identity: PolicyDocument[];
  resourcePolicy?: PolicyDocument;
}): Promise<Decision> {
  const simulation: Simulation = {
    request: { principal: s.principal, action: s.action, resource: { resource: s.resource, accountId: s.account }, contextVariables: s.context ?? {} },
    identityPolicies: s.identity.map((policy, i) => ({ name: `p${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: s.resourcePolicy,
  };
  const r = await runSimulation(simulation, {});
  if (r.resultType === "error") {
    if (r.errors.message === "invalid.action") return "InvalidAction";
    throw new Error(`${s.action} on ${s.resource}: ${JSON.stringify(r.errors)}`);
  }
  return r.overallResult as Decision;
}

/** The tags IAM reports as aws:PrincipalTag/* for a session of the role. */
const principalTags = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v]));

interface Case {
  label: string;
  role: SynthesizedRole;
  action: string;
  resource: string;
  /** The role's own tags unless a case removes them. */
  tags?: Record<string, string>;
  /** Policies other than the role's attached ones (the naive policy, for comparison). */
  identity?: PolicyDocument[];
  expected: Decision;
}

const fn = (account: string, name: string) => `arn:aws:cloudfront::${account}:function/${name}`;
const logGroup = (account: string, fnName: string) => `arn:aws:logs:us-east-1:${account}:log-group:/aws/cloudfront/function/${fnName}`;

/**
 * A naive principal-tag policy of the kind published for this setup, with three mistakes: *FunctionTestEvent actions,
 * which do not exist (testing is cloudfront:TestFunction:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudfront.html); no
 * logs:GetQueryResults, which Logs Insights needs to read a query's results; and a log-stream-only ARN, which does not
 * match the log-group ARN that StartQuery and FilterLogEvents are authorized on
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html).
 */
function naivePolicy(account: string, valid: boolean): PolicyDocument {
  const invalid = ["cloudfront:ListFunctionTestEvent", "cloudfront:DeleteFunctionTestEvent", "cloudfront:CreateFunctionTestEvent"];
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "cloudfront:UpdateFunction",
          "cloudfront:TestFunction",
          "cloudfront:PublishFunction",
          "cloudfront:GetFunction",
          "cloudfront:DescribeFunction",
          ...(valid ? [] : invalid),
        ],
        Resource: `arn:aws:cloudfront::${account}:function/\${aws:PrincipalTag/environment}-\${aws:PrincipalTag/sid}-*`,
      },
      { Effect: "Allow", Action: ["cloudfront:ListFunctions"], Resource: "*" },
      {
        Effect: "Allow",
        Action: ["logs:StartQuery", "logs:GetLogGroupFields", "logs:GetLogEvents"],
        Resource: `arn:aws:logs:us-east-1:${account}:log-group:/aws/cloudfront/function/\${aws:PrincipalTag/environment}-\${aws:PrincipalTag/sid}-*-cloudfront-function:log-stream:*`,
      },
    ],
  };
}

/**
 * The manifests' functions of this role's environment and sid, by owner: infra-owned ones are denied to the team
 * (update, publish, test); on a console role of an environment with liveChangesOnlyThroughCicd, updating and
 * publishing are denied on every function.
 */
function ownershipCases(
  env: Environment,
  role: SynthesizedRole,
  fns: Cf2Function[],
  c: (action: string, resource: string, expected: Decision) => Case,
): Case[] {
  const account = env.accountId;
  const sid = role.tags.sid;
  const consoleRestricted = env.security.liveChangesOnlyThroughCicd && role.name.endsWith(`-cf2-${AppTeamRoleKind.MAINTENANCE}`);
  const mine = fns.filter((f) => f.manifest.environments.includes(env.name) && f.manifest.sid === sid);
  return mine.flatMap((f) => {
    const arn = fn(account, functionName(env.name, sid, f.manifest.name));
    const reads = ["cloudfront:DescribeFunction", "cloudfront:GetFunction"].map((a) => c(a, arn, "Allowed"));
    if (f.manifest.owner === FunctionOwner.INFRA)
      return [...reads, ...["cloudfront:UpdateFunction", "cloudfront:PublishFunction", "cloudfront:TestFunction"].map((a) => c(a, arn, "ExplicitlyDenied"))];
    return [
      ...reads,
      c("cloudfront:TestFunction", arn, "Allowed"),
      ...["cloudfront:UpdateFunction", "cloudfront:PublishFunction"].map((a) => c(a, arn, consoleRestricted ? "ExplicitlyDenied" : "Allowed")),
    ];
  });
}

function casesFor(env: Environment, role: SynthesizedRole, fns: Cf2Function[] = functions): Case[] {
  const account = env.accountId;
  const sid = role.tags.sid;
  const consoleRestricted = env.security.liveChangesOnlyThroughCicd && role.name.endsWith(`-cf2-${AppTeamRoleKind.MAINTENANCE}`);
  const own = `${env.name}-${sid}-redirect`;
  const ownGroup = logGroup(account, own);
  // The console restriction denies UpdateFunction/PublishFunction on every function of the account: what the
  // shared policy never allowed becomes an explicit deny too.
  const restricted = (action: string, resource: string) =>
    consoleRestricted && (CONSOLE_DENIED_ACTIONS as readonly string[]).includes(action) && resource.startsWith(`arn:aws:cloudfront::${account}:function/`);
  const c = (action: string, resource: string, expected: Decision, extra: Partial<Case> = {}): Case => ({
    label: `${role.name}: ${action} on ${resource.replace(`:${account}:`, ":<own account>:")}${extra.tags ? ` with tags ${JSON.stringify(extra.tags)}` : ""}${extra.identity ? " (naive policy)" : ""}`,
    role,
    action,
    resource,
    expected: expected === "ImplicitlyDenied" && !extra.identity && restricted(action, resource) ? "ExplicitlyDenied" : expected,
    ...extra,
  });
  const cases: Case[] = [
    // Own environment and sid: the whole self-service workflow.
    ...["cloudfront:DescribeFunction", "cloudfront:GetFunction", "cloudfront:TestFunction"].map((a) => c(a, fn(account, own), "Allowed")),
    // A console role of a production-tier environment reads and tests; LIVE changes go through CI/CD.
    ...["cloudfront:UpdateFunction", "cloudfront:PublishFunction"].map((a) => c(a, fn(account, own), consoleRestricted ? "ExplicitlyDenied" : "Allowed")),
    // Functions of the manifests: infra-owned ones are out of reach although the <env>-<sid>- prefix matches them.
    ...ownershipCases(env, role, fns, c),
    c("cloudfront:ListFunctions", "*", "Allowed"),
    ...["logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults", "logs:GetLogGroupFields", "logs:GetLogRecord"].map((a) =>
      c(a, ownGroup, "Allowed"),
    ),
    // The historical form log-group actions were authorized against.
    c("logs:FilterLogEvents", `${ownGroup}:log-stream:`, "Allowed"),
    c("logs:GetLogEvents", `${ownGroup}:log-stream:2026/01/31/[$LATEST]0123456789abcdef`, "Allowed"),
    ...["logs:DescribeLogGroups", "logs:DescribeQueries", "logs:StopQuery"].map((a) => c(a, "*", "Allowed")),

    // Another sid in the same environment, and names that only share a prefix.
    ...env.products
      .filter((p) => p.sid !== sid)
      .flatMap((p) => [
        c("cloudfront:UpdateFunction", fn(account, `${env.name}-${p.sid}-redirect`), "ImplicitlyDenied"),
        c("cloudfront:PublishFunction", fn(account, `${env.name}-${p.sid}-redirect`), "ImplicitlyDenied"),
        c("logs:StartQuery", logGroup(account, `${env.name}-${p.sid}-redirect`), "ImplicitlyDenied"),
        c("logs:FilterLogEvents", logGroup(account, `${env.name}-${p.sid}-redirect`), "ImplicitlyDenied"),
      ]),
    c("cloudfront:UpdateFunction", fn(account, `${env.name}-${sid}x-redirect`), "ImplicitlyDenied"),
    c("cloudfront:UpdateFunction", fn(account, `${env.name}x-${sid}-redirect`), "ImplicitlyDenied"),

    // Other environments: their names in this account, and their own accounts.
    ...envs
      .filter((o) => o.name !== env.name)
      .flatMap((o) => [
        c("cloudfront:PublishFunction", fn(account, `${o.name}-${sid}-redirect`), "ImplicitlyDenied"),
        c("cloudfront:UpdateFunction", fn(o.accountId, `${o.name}-${sid}-redirect`), "ImplicitlyDenied"),
        c("logs:GetLogEvents", `${logGroup(o.accountId, `${o.name}-${sid}-redirect`)}:log-stream:x`, "ImplicitlyDenied"),
      ]),

    // A session without the tags gets nothing from the policy.
    c("cloudfront:TestFunction", fn(account, own), "ImplicitlyDenied", { tags: {} }),
    c("cloudfront:PublishFunction", fn(account, own), "ImplicitlyDenied", { tags: { environment: env.name } }),
    c("logs:StartQuery", ownGroup, "ImplicitlyDenied", { tags: { sid } }),

    // Infrastructure-only work, and changes to the roles and the policy themselves.
    c("cloudfront:CreateFunction", "*", "ExplicitlyDenied"),
    c("cloudfront:DeleteFunction", fn(account, own), "ExplicitlyDenied"),
    ...env.sites
      .filter((s) => s.distribution.id)
      .flatMap((s) => [
        c("cloudfront:UpdateDistribution", `arn:aws:cloudfront::${account}:distribution/${s.distribution.id}`, "ExplicitlyDenied"),
        c("cloudfront:CreateInvalidation", `arn:aws:cloudfront::${account}:distribution/${s.distribution.id}`, "ImplicitlyDenied"),
      ]),
    c("logs:DeleteLogGroup", ownGroup, "ExplicitlyDenied"),
    c("logs:PutRetentionPolicy", ownGroup, "ExplicitlyDenied"),
    ...["iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePolicy"].map((a) =>
      c(a, role.arn, "ExplicitlyDenied"),
    ),
    ...role.attached.map((p) => c("iam:CreatePolicyVersion", `arn:aws:iam::${account}:policy/${p.name}`, "ExplicitlyDenied")),

    // The naive policy's pitfalls: actions that do not exist, Insights results it could not read, a log ARN that misses.
    ...["cloudfront:CreateFunctionTestEvent", "cloudfront:ListFunctionTestEvent", "cloudfront:DeleteFunctionTestEvent"].map((a) =>
      c(a, fn(account, own), "InvalidAction"),
    ),
    c("logs:GetQueryResults", ownGroup, "ImplicitlyDenied", { identity: [naivePolicy(account, true)] }),
    c("logs:StartQuery", ownGroup, "ImplicitlyDenied", { identity: [naivePolicy(account, true)] }),
    c("logs:FilterLogEvents", ownGroup, "ImplicitlyDenied", { identity: [naivePolicy(account, true)] }),
  ];
  return cases;
}

// The roles that attach the shared app-team policy (other roles, e.g. an invalidator's, carry a sid tag too).
const isAppTeamRole = (r: SynthesizedRole) => r.attached.some((p) => p.name.endsWith("-cf2-app-team"));
const matrix: Case[] = envs.flatMap((env) =>
  rolesOf(stacks[env.name])
    .filter(isAppTeamRole)
    .flatMap((role) => casesFor(env, role)),
);

describe("permissions matrix of the application-team roles (IAM policy simulator)", () => {
  test("is generated from every example environment, at least 40 cases, for every role", () => {
    const roles = new Set(matrix.map((c) => c.role.name));
    const configured = envs.flatMap((e) =>
      e.products.flatMap((p) => [
        ...(p.access?.maintenance ? [appTeamRoleName(e.name, p.sid, AppTeamRoleKind.MAINTENANCE)] : []),
        ...(p.access?.cicd ? [appTeamRoleName(e.name, p.sid, AppTeamRoleKind.CICD)] : []),
      ]),
    );
    expect([...roles].sort()).toEqual(configured.sort());
    expect(matrix.length).toBeGreaterThanOrEqual(40);
    for (const kind of ["Allowed", "ImplicitlyDenied", "ExplicitlyDenied", "InvalidAction"]) expect(matrix.some((c) => c.expected === kind)).toBe(true);
  });

  test.each(matrix.map((c) => [c.label, c.expected, c] as const))("%s -> %s", async (_label, expected, c) => {
    const decision = await decide({
      principal: c.role.arn,
      action: c.action,
      resource: c.resource,
      account: accountOf(stacks[c.role.tags.environment]),
      context: principalTags(c.tags ?? c.role.tags),
      identity: c.identity ?? c.role.attached.map((p) => p.document),
    });
    expect(decision).toBe(expected);
  });

  test("the naive policy is rejected for its nonexistent actions; ours passes the same check", async () => {
    const asStack = (doc: PolicyDocument) => ({ resource: { aws_iam_policy: { p: { policy: JSON.stringify(doc) } } } });
    expect(await check(onlyRealActions, asStack(naivePolicy("123456789012", false)))).toHaveLength(3);
    expect(await check(onlyRealActions, stacks.dev)).toEqual([]);
  });
});

/**
 * The same matrix on a fixture that does not depend on the repository's manifests or example flags: a copy of the dev
 * environment with the console restriction on and one infra-owned and one app-owned function per product, written
 * to a temporary functions directory and loaded like the real ones.
 */
describe("infra-owned functions and the console restriction (fixture environment, simulated)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-cf2-access-"));
  const input = JSON.parse(JSON.stringify(dev));
  input.security = { liveChangesOnlyThroughCicd: true };
  const [fixtureEnv] = validateEnvironments([{ file: "environments/dev.ts", input }]);
  for (const p of fixtureEnv.products) {
    const site = fixtureEnv.sites.find((s) => s.sid === p.sid);
    if (!site) continue;
    for (const [owner, eventType] of [
      [FunctionOwner.INFRA, "viewer-request"],
      [FunctionOwner.APP, "viewer-response"],
    ] as const) {
      const name = `fixture-${owner}`;
      mkdirSync(path.join(dir, `${p.sid}-${name}`));
      writeFileSync(
        path.join(dir, `${p.sid}-${name}`, "manifest.json"),
        JSON.stringify({
          ticket: "EDGE-1",
          name: `${p.sid}-${name}`,
          sid: p.sid,
          environments: [fixtureEnv.name],
          associations: [{ site: site.name, behavior: "default", eventType }],
          owner,
        }),
      );
      writeFileSync(
        path.join(dir, `${p.sid}-${name}`, "index.js"),
        eventType === "viewer-request" ? "function handler(event) { return event.request; }\n" : "function handler(event) { return event.response; }\n",
      );
    }
  }
  const fixtureFunctions = loadFunctions([fixtureEnv], dir);
  const stack = synthesize([fixtureEnv], fixtureFunctions)[fixtureEnv.name];
  const fixtureCases = rolesOf(stack)
    .filter(isAppTeamRole)
    .flatMap((role) => casesFor(fixtureEnv, role, fixtureFunctions));

  test("covers an infra and an app function of every product with a site, for both kinds of role", () => {
    const infra = fixtureCases.filter((c) => c.resource.includes("-fixture-infra") && c.expected === "ExplicitlyDenied");
    const consoleDenied = fixtureCases.filter(
      (c) => c.role.name.endsWith("-maintenance") && c.resource.includes("-fixture-app") && c.expected === "ExplicitlyDenied",
    );
    const cicdAllowed = fixtureCases.filter(
      (c) => c.role.name.endsWith("-cicd") && c.resource.includes("-fixture-app") && c.action === "cloudfront:PublishFunction" && c.expected === "Allowed",
    );
    const products = fixtureEnv.products.filter((p) => p.access && fixtureEnv.sites.some((s) => s.sid === p.sid));
    expect(products.length).toBeGreaterThan(0);
    expect(new Set(infra.map((c) => c.role.name)).size).toBe(products.reduce((n, p) => n + (p.access!.maintenance ? 1 : 0) + (p.access!.cicd ? 1 : 0), 0));
    expect(consoleDenied.length).toBeGreaterThan(0);
    expect(cicdAllowed.length).toBe(products.filter((p) => p.access!.cicd).length);
  });

  test.each(fixtureCases.map((c) => [c.label, c.expected, c] as const))("%s -> %s", async (_label, expected, c) => {
    const decision = await decide({
      principal: c.role.arn,
      action: c.action,
      resource: c.resource,
      account: accountOf(stack),
      context: principalTags(c.tags ?? c.role.tags),
      identity: c.identity ?? c.role.attached.map((p) => p.document),
    });
    expect(decision).toBe(expected);
  });
});

/** What the permission set of a team grants (docs/access.md): switching to the team's maintenance roles. */
const PERMISSION_SET_POLICY: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/*-cf2-maintenance" }],
};

const ssoRole = (account: string, permissionSet: string, region = "") =>
  `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/${region}AWSReservedSSO_${permissionSet}_0a1b2c3d4e5f6789`;

interface TrustCase {
  label: string;
  role: SynthesizedRole;
  principal: string;
  action: string;
  expected: Decision;
}

const trustCases: TrustCase[] = envs.flatMap((env) =>
  env.products.flatMap((p) => {
    const ps = p.access?.maintenance?.permissionSets;
    if (!ps) return [];
    const role = rolesOf(stacks[env.name]).find((r) => r.name === appTeamRoleName(env.name, p.sid, AppTeamRoleKind.MAINTENANCE))!;
    const t = (label: string, principal: string, expected: Decision, action = "sts:AssumeRole"): TrustCase => ({
      label: `${role.name}: ${label}`,
      role,
      principal,
      action,
      expected,
    });
    const otherSets = envs.flatMap((e) => e.products.flatMap((q) => q.access?.maintenance?.permissionSets ?? [])).filter((x) => !ps.includes(x));
    return [
      ...ps.map((set) => t(`permission set ${set}`, ssoRole(env.accountId, set), "Allowed")),
      t(`permission set ${ps[0]} in a Region-scoped path`, ssoRole(env.accountId, ps[0], "ap-northeast-1/"), "Allowed"),
      ...[...new Set(otherSets)].map((set) => t(`another permission set ${set}`, ssoRole(env.accountId, set), "ImplicitlyDenied")),
      t(`permission set ${ps[0]} of another account`, ssoRole("999999999999", ps[0]), "ImplicitlyDenied"),
      t("an IAM user of the account", `arn:aws:iam::${env.accountId}:user/${ps[0]}`, "ImplicitlyDenied"),
      t(`session tags from ${ps[0]} (would override the role's tags)`, ssoRole(env.accountId, ps[0]), "ImplicitlyDenied", "sts:TagSession"),
    ];
  }),
);

describe("who may switch to the maintenance roles (trust policies, simulated)", () => {
  test.each(trustCases.map((c) => [c.label, c.expected, c] as const))("%s -> %s", async (_label, expected, c) => {
    const account = c.role.arn.split(":")[4];
    const decision = await decide({
      principal: c.principal,
      action: c.action,
      resource: c.role.arn,
      account,
      context: { "aws:PrincipalArn": c.principal },
      identity: [{ ...PERMISSION_SET_POLICY, Statement: [{ ...PERMISSION_SET_POLICY.Statement[0], Action: ["sts:AssumeRole", "sts:TagSession"] }] }],
      resourcePolicy: c.role.trust,
    });
    expect(decision).toBe(expected);
  });
});

// The simulator cannot judge these: token.actions.githubusercontent.com:sub and :aud are not in the Service
// Authorization Reference it validates context keys against, so it drops them. The trust is checked as data.
describe("who may assume the CI/CD roles (GitHub OIDC trust)", () => {
  const cicd = envs.flatMap((env) =>
    env.products.filter((p) => p.access?.cicd).map((p) => [appTeamRoleName(env.name, p.sid, AppTeamRoleKind.CICD), env, p.access!.cicd!] as const),
  );
  test.each(cicd)("%s: only jobs in GitHub environment of the configured repository", (name, env, cfg) => {
    const role = rolesOf(stacks[env.name]).find((r) => r.name === name)!;
    expect(role.trust.Statement).toEqual([
      {
        Sid: "GithubActionsEnvironment",
        Effect: "Allow",
        Principal: { Federated: githubOidcProviderArn(env.accountId) },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": githubSubject(cfg.repository, cfg.environment),
            "token.actions.githubusercontent.com:repository_id": cfg.repositoryId,
            "token.actions.githubusercontent.com:repository_owner_id": cfg.ownerId,
            ...(cfg.workflowRef ? { "token.actions.githubusercontent.com:job_workflow_ref": cfg.workflowRef } : {}),
          },
        },
      },
    ]);
    for (const value of Object.values(role.trust.Statement[0].Condition!.StringEquals)) expect(value).not.toMatch(/[*?]/);
    expect(role.maxSessionDuration).toBe(cfg.maxSessionHours * 3600);
  });

  /**
   * Tokens of jobs that must and must not get in, judged against the synthesized trust as data (every StringEquals
   * key present in the token and equal; the trust has no other operator). The names stay the same in each bad token:
   * only what a rename, transfer, re-creation or another workflow changes differs.
   */
  const claimsOf = (cfg: (typeof cicd)[number][2]) => ({
    aud: "sts.amazonaws.com",
    sub: githubSubject(cfg.repository, cfg.environment),
    repository: cfg.repository,
    repository_id: cfg.repositoryId,
    repository_owner_id: cfg.ownerId,
    job_workflow_ref: cfg.workflowRef ?? `${cfg.repository}/.github/workflows/any.yml@refs/heads/main`,
  });
  const tokenCases = cicd.flatMap(([name, env, cfg]) => {
    const good = claimsOf(cfg);
    const t = (label: string, claims: Record<string, string>, allowed: boolean) => [`${name}: ${label}`, allowed, env, name, claims] as const;
    return [
      t("the configured repository's job in the configured environment", good, true),
      t("a re-created repository of the same name (new repository id)", { ...good, repository_id: `${good.repository_id}9` }, false),
      t("the same name under a re-created or transferred owner (new owner id)", { ...good, repository_owner_id: `${good.repository_owner_id}9` }, false),
      t("another GitHub environment of the repository", { ...good, sub: githubSubject(cfg.repository, `${cfg.environment}-x`) }, false),
      t("a token for another audience", { ...good, aud: `https://github.com/${cfg.repository.split("/")[0]}` }, false),
      t("a token without the id claims", { aud: good.aud, sub: good.sub }, false),
      ...(cfg.workflowRef
        ? [t("another workflow of the same repository", { ...good, job_workflow_ref: cfg.workflowRef.replace(/@.*$/, "@refs/heads/feature") }, false)]
        : [t("any workflow of the repository (no workflow pin)", good, true)]),
    ];
  });
  test.each(tokenCases)("%s -> allowed %s", (_label, allowed, env, name, claims) => {
    const [statement] = rolesOf(stacks[env.name]).find((r) => r.name === name)!.trust.Statement;
    expect(Object.keys(statement.Condition!)).toEqual(["StringEquals"]);
    const conditions = statement.Condition!.StringEquals as Record<string, string>;
    const token = Object.fromEntries(Object.entries(claims).map(([k, v]) => [`token.actions.githubusercontent.com:${k}`, v]));
    expect(Object.entries(conditions).every(([key, value]) => token[key] === value)).toBe(allowed);
  });
});

/** A guardrail's findings as "address: message" lines. */
const check = async (rule: Rule, stack: object) => (await rule.check(stack)).map((f) => `${f.address}: ${f.message}`);

describe("principal-tag guardrails catch what they claim to", () => {
  const stackWith = (resource: object) => ({ resource });
  test("sts:TagSession in a trust policy is reported, also through a wildcard", async () => {
    const trust = (Action: string | string[]) =>
      stackWith({
        aws_iam_role: {
          r: {
            assume_role_policy: JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action }],
            }),
          },
        },
      });
    expect(await check(noSessionTagsInTrust, trust(["sts:AssumeRole", "sts:TagSession"]))).toEqual([expect.stringContaining("sts:TagSession")]);
    expect(await check(noSessionTagsInTrust, trust("sts:*"))).toHaveLength(1);
    expect(await check(noSessionTagsInTrust, trust("sts:AssumeRole"))).toEqual([]);
  });

  test("a principal-tag policy without a deny on re-tagging roles is reported", async () => {
    const policy = (statements: object[]) => stackWith({ aws_iam_policy: { p: { policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) } } });
    const allow = { Effect: "Allow", Action: "cloudfront:UpdateFunction", Resource: "arn:aws:cloudfront::1:function/$${aws:PrincipalTag/sid}-*" };
    expect(await check(abacPoliciesDenyRetagging, policy([allow]))).toEqual([expect.stringContaining("iam:TagRole, iam:UntagRole")]);
    expect(await check(abacPoliciesDenyRetagging, policy([allow, { Effect: "Deny", Action: ["iam:TagRole", "iam:UntagRole"], Resource: "*" }]))).toEqual([]);
    expect(await check(abacPoliciesDenyRetagging, policy([{ ...allow, Resource: "arn:aws:cloudfront::1:function/x" }]))).toEqual([]);
  });

  test("roles' inline policies are read too", async () => {
    const stack = stackWith({
      aws_iam_role: {
        r: {
          inline_policy: [
            {
              name: "x",
              policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "cloudfront:CreateFunctionTestEvent", Resource: "*" }] }),
            },
          ],
        },
      },
    });
    expect(await check(onlyRealActions, stack)).toEqual([expect.stringContaining("aws_iam_role.r: inline_policy[0]")]);
  });
});
