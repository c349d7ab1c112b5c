/**
 * The permissions matrix of the application-team roles: the synthesized roles and the policies attached to them,
 * evaluated by an IAM policy simulator (@cloud-copilot/iam-simulate, AGPL: a dev dependency used only here).
 * Cases are generated from the example environments, so a new product or environment is covered without edits.
 */
import * as path from "node:path";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { loadEnvironments } from "../environments/load";
import type { Environment } from "../environments/schema";
import { AppTeamRoleKind, appTeamRoleName, githubSubject } from "../modules/app-team-roles";
import { githubOidcProviderArn } from "../modules/github-oidc-provider";
import type { PolicyDocument } from "../modules/policy";
import { abacPoliciesDenyRetagging, noSessionTagsInTrust, onlyRealActions } from "../guardrails/rules/iam";
import type { Rule } from "../guardrails";
import { accountOf, rolesOf, type SynthesizedRole } from "../scripts/lib/synthesized-iam";
import { synthesizeExamples } from "./support/synth";

type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" | "InvalidAction";

const envs = loadEnvironments(path.join(__dirname, "..", "environments"));
const stacks = synthesizeExamples();

async function decide(s: { principal: string; action: string; resource: string; account: string; context?: Record<string, string>; identity: PolicyDocument[]; resourcePolicy?: PolicyDocument }): Promise<Decision> {
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
        Action: ["cloudfront:UpdateFunction", "cloudfront:TestFunction", "cloudfront:PublishFunction", "cloudfront:GetFunction", "cloudfront:DescribeFunction", ...(valid ? [] : invalid)],
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

function casesFor(env: Environment, role: SynthesizedRole): Case[] {
  const account = env.accountId;
  const sid = role.tags.sid;
  const own = `${env.name}-${sid}-redirect`;
  const ownGroup = logGroup(account, own);
  const c = (action: string, resource: string, expected: Decision, extra: Partial<Case> = {}): Case => ({
    label: `${role.name}: ${action} on ${resource.replace(`:${account}:`, ":<own account>:")}${extra.tags ? ` with tags ${JSON.stringify(extra.tags)}` : ""}${extra.identity ? " (naive policy)" : ""}`,
    role,
    action,
    resource,
    expected,
    ...extra,
  });
  const cases: Case[] = [
    // Own environment and sid: the whole self-service workflow.
    ...["cloudfront:DescribeFunction", "cloudfront:GetFunction", "cloudfront:UpdateFunction", "cloudfront:TestFunction", "cloudfront:PublishFunction"].map((a) => c(a, fn(account, own), "Allowed")),
    c("cloudfront:ListFunctions", "*", "Allowed"),
    ...["logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults", "logs:GetLogGroupFields", "logs:GetLogRecord"].map((a) => c(a, ownGroup, "Allowed")),
    // The historical form log-group actions were authorized against.
    c("logs:FilterLogEvents", `${ownGroup}:log-stream:`, "Allowed"),
    c("logs:GetLogEvents", `${ownGroup}:log-stream:2026/01/31/[$LATEST]0123456789abcdef`, "Allowed"),
    ...["logs:DescribeLogGroups", "logs:DescribeQueries", "logs:StopQuery"].map((a) => c(a, "*", "Allowed")),

    // Another sid in the same environment, and names that only share a prefix.
    ...env.products.filter((p) => p.sid !== sid).flatMap((p) => [
      c("cloudfront:UpdateFunction", fn(account, `${env.name}-${p.sid}-redirect`), "ImplicitlyDenied"),
      c("cloudfront:PublishFunction", fn(account, `${env.name}-${p.sid}-redirect`), "ImplicitlyDenied"),
      c("logs:StartQuery", logGroup(account, `${env.name}-${p.sid}-redirect`), "ImplicitlyDenied"),
      c("logs:FilterLogEvents", logGroup(account, `${env.name}-${p.sid}-redirect`), "ImplicitlyDenied"),
    ]),
    c("cloudfront:UpdateFunction", fn(account, `${env.name}-${sid}x-redirect`), "ImplicitlyDenied"),
    c("cloudfront:UpdateFunction", fn(account, `${env.name}x-${sid}-redirect`), "ImplicitlyDenied"),

    // Other environments: their names in this account, and their own accounts.
    ...envs.filter((o) => o.name !== env.name).flatMap((o) => [
      c("cloudfront:PublishFunction", fn(account, `${o.name}-${sid}-redirect`), "ImplicitlyDenied"),
      c("cloudfront:UpdateFunction", fn(o.accountId, `${o.name}-${sid}-redirect`), "ImplicitlyDenied"),
      c("logs:GetLogEvents", `${logGroup(o.accountId, `${o.name}-${sid}-redirect`)}:log-stream:x`, "ImplicitlyDenied"),
    ]),

    // A session without the tags gets nothing from the policy.
    c("cloudfront:UpdateFunction", fn(account, own), "ImplicitlyDenied", { tags: {} }),
    c("cloudfront:PublishFunction", fn(account, own), "ImplicitlyDenied", { tags: { environment: env.name } }),
    c("logs:StartQuery", ownGroup, "ImplicitlyDenied", { tags: { sid } }),

    // Infrastructure-only work, and changes to the roles and the policy themselves.
    c("cloudfront:CreateFunction", "*", "ExplicitlyDenied"),
    c("cloudfront:DeleteFunction", fn(account, own), "ExplicitlyDenied"),
    ...env.sites.filter((s) => s.distribution.id).flatMap((s) => [
      c("cloudfront:UpdateDistribution", `arn:aws:cloudfront::${account}:distribution/${s.distribution.id}`, "ExplicitlyDenied"),
      c("cloudfront:CreateInvalidation", `arn:aws:cloudfront::${account}:distribution/${s.distribution.id}`, "ImplicitlyDenied"),
    ]),
    c("logs:DeleteLogGroup", ownGroup, "ExplicitlyDenied"),
    c("logs:PutRetentionPolicy", ownGroup, "ExplicitlyDenied"),
    ...["iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePolicy"].map((a) => c(a, role.arn, "ExplicitlyDenied")),
    ...role.attached.map((p) => c("iam:CreatePolicyVersion", `arn:aws:iam::${account}:policy/${p.name}`, "ExplicitlyDenied")),

    // The naive policy's pitfalls: actions that do not exist, Insights results it could not read, a log ARN that misses.
    ...["cloudfront:CreateFunctionTestEvent", "cloudfront:ListFunctionTestEvent", "cloudfront:DeleteFunctionTestEvent"].map((a) => c(a, fn(account, own), "InvalidAction")),
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

/** What the permission set of a team grants (README): switching to the team's maintenance roles. */
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
    const t = (label: string, principal: string, expected: Decision, action = "sts:AssumeRole"): TrustCase => ({ label: `${role.name}: ${label}`, role, principal, action, expected });
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
    env.products
      .filter((p) => p.access?.cicd)
      .map((p) => [appTeamRoleName(env.name, p.sid, AppTeamRoleKind.CICD), env, p.access!.cicd!] as const),
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
          },
        },
      },
    ]);
    expect(githubSubject(cfg.repository, cfg.environment)).not.toMatch(/[*?]/);
    expect(role.maxSessionDuration).toBe(cfg.maxSessionHours * 3600);
  });
});

/** A guardrail's findings as "address: message" lines. */
const check = async (rule: Rule, stack: object) => (await rule.check(stack)).map((f) => `${f.address}: ${f.message}`);

describe("principal-tag guardrails catch what they claim to", () => {
  const stackWith = (resource: object) => ({ resource });
  test("sts:TagSession in a trust policy is reported, also through a wildcard", async () => {
    const trust = (Action: string | string[]) =>
      stackWith({ aws_iam_role: { r: { assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action }] }) } } });
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
    const stack = stackWith({ aws_iam_role: { r: { inline_policy: [{ name: "x", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "cloudfront:CreateFunctionTestEvent", Resource: "*" }] }) }] } } });
    expect(await check(onlyRealActions, stack)).toEqual([expect.stringContaining("aws_iam_role.r: inline_policy[0]")]);
  });
});
