/**
 * The permissions matrix of the container-function policy (`<env>-lambda-app-team`) on the application-team roles,
 * evaluated by the IAM policy simulator with every policy the role has attached. The example environments are used
 * with container functions written to a temporary directory (one per product with access, in every environment
 * that has the product), so the matrix covers every role however the repository's own manifests change.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { loadEnvironments } from "../config/load";
import { readContainerFunctionManifestSources, validateContainerFunctions } from "../config/functions/lambda/load";
import type { Environment } from "../config/environment";
import { IMAGE_OWNER_TAG, imageTagParameterName, containerFunctionAppTeamPolicyName, containerFunctionName } from "../model/container-function";
import { LAMBDA_INFRASTRUCTURE_ONLY_ACTIONS, REPOSITORY_ACTIONS } from "../modules/access/app-team-container-function-policy";
import { AppTeamRoleKind } from "../model/vocabulary";
import { appTeamRoleName } from "../model/names";
import { rolesOf, type SynthesizedRole } from "../scripts/lib/synthesized-iam";
import { resourceSuppressions, SUPPRESSIONS } from "../guardrails/suppressions";
import { abacPoliciesDenyRetagging, noStarResourceUnlessRequired, onlyRealActions } from "../guardrails/rules/iam";
import { synthesize } from "./support/synth";

type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

const envs = loadEnvironments(path.join(__dirname, "..", "environments"));
const FN = "imgfn";
const dir = mkdtempSync(path.join(os.tmpdir(), "lambda-access-"));
const teams = [...new Set(envs.flatMap((e) => e.products.filter((p) => p.access).map((p) => p.sid)))];
for (const sid of teams) {
  const name = `${FN}-${sid}`;
  mkdirSync(path.join(dir, name));
  const environments = envs.filter((e) => e.products.some((p) => p.sid === sid)).map((e) => e.name);
  writeFileSync(path.join(dir, name, "manifest.json"), JSON.stringify({ ticket: "EDGE-1", name, sid, environments, owner: "app" }));
}
const stacks = synthesize(envs, [], validateContainerFunctions(readContainerFunctionManifestSources(dir), envs));

interface Case {
  label: string;
  role: SynthesizedRole;
  env: Environment;
  action: string;
  resource: string;
  context?: Record<string, string>;
  expected: Decision;
}

const isContainerFunctionTeamRole = (r: SynthesizedRole) => r.attached.some((p) => p.name === containerFunctionAppTeamPolicyName(r.tags.environment));

function casesFor(env: Environment, role: SynthesizedRole): Case[] {
  const { accountId: account, region } = env;
  const sid = role.tags.sid;
  const fnName = (e: string, s: string) => containerFunctionName(e, s, `${FN}-${s}`);
  const fn = (e: string, s: string, acct = account) => `arn:aws:lambda:${region}:${acct}:function:${fnName(e, s)}`;
  const repo = (e: string, s: string, acct = account) => `arn:aws:ecr:${region}:${acct}:repository/${fnName(e, s)}`;
  const param = (e: string, s: string, acct = account) => `arn:aws:ssm:${region}:${acct}:parameter${imageTagParameterName(e, s, `${FN}-${s}`)}`;
  const tag = (owner?: string): Record<string, string> => (owner ? { [`aws:ResourceTag/${IMAGE_OWNER_TAG}`]: owner } : {});
  const overwrite = (v?: string): Record<string, string> => (v ? { "ssm:Overwrite": v } : {});
  // A console role where LIVE changes go only through CI/CD: shipping code is explicitly denied on every function,
  // repository and image tag of the account.
  const consoleRestricted = env.security.liveChangesOnlyThroughCicd && role.name.endsWith(`-cf2-${AppTeamRoleKind.MAINTENANCE}`);
  const ships = (action: string, resource: string) =>
    (action === "lambda:UpdateFunctionCode" && resource.includes(`:${account}:function:`)) ||
    (action === "ecr:PutImage" && resource.includes(`:${account}:repository/`)) ||
    (action === "ssm:PutParameter" && resource.includes(`:${account}:parameter/edge/`) && resource.endsWith("/image-tag"));
  const c = (action: string, resource: string, expected: Decision, context: Record<string, string> = {}, what = ""): Case => ({
    label: `${role.name}: ${action} on ${resource.replace(`:${account}:`, ":<own account>:")}${what ? ` (${what})` : ""}`,
    role,
    env,
    action,
    resource,
    context,
    expected: consoleRestricted && ships(action, resource) ? "ExplicitlyDenied" : expected,
  });
  const others = env.products.filter((p) => p.sid !== sid).map((p) => p.sid);
  return [
    // Own product: the whole pipeline (login, push, deploy, wait, write the tag) and reading logs.
    c("ecr:GetAuthorizationToken", "*", "Allowed"),
    ...REPOSITORY_ACTIONS.map((a) => c(a, repo(env.name, sid), "Allowed")),
    c("lambda:UpdateFunctionCode", fn(env.name, sid), "Allowed", tag("app"), "image-owner app"),
    c("lambda:GetFunction", fn(env.name, sid), "Allowed", tag("app"), "image-owner app"),
    c("lambda:GetFunctionConfiguration", fn(env.name, sid), "Allowed", tag("infra"), "image-owner infra"),
    c("lambda:ListTags", fn(env.name, sid), "Allowed", tag("infra"), "image-owner infra"),
    c("ssm:PutParameter", param(env.name, sid), "Allowed", overwrite("true"), "overwrite"),
    c("ssm:GetParameter", param(env.name, sid), "Allowed"),
    c("logs:FilterLogEvents", `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${fnName(env.name, sid)}`, "Allowed"),

    // Own product, but not theirs to decide: an infra-owned image, functions without the tag (the invalidators),
    // creating a parameter, other parameters of the product.
    c("lambda:UpdateFunctionCode", fn(env.name, sid), "ImplicitlyDenied", tag("infra"), "image-owner infra"),
    c("lambda:UpdateFunctionCode", `arn:aws:lambda:${region}:${account}:function:${env.name}-${sid}-web-invalidator`, "ImplicitlyDenied", {}, "untagged"),
    c("lambda:GetFunction", `arn:aws:lambda:${region}:${account}:function:${env.name}-${sid}-web-invalidator`, "ImplicitlyDenied", {}, "untagged"),
    c("ssm:PutParameter", param(env.name, sid), "ImplicitlyDenied", overwrite("false"), "create"),
    c("ssm:PutParameter", param(env.name, sid), "ImplicitlyDenied", {}, "no Overwrite"),
    c(
      "ssm:PutParameter",
      `arn:aws:ssm:${region}:${account}:parameter/edge/${env.name}/${sid}/web/release-version`,
      "ImplicitlyDenied",
      overwrite("true"),
      "overwrite",
    ),

    // Other products of the environment, names that only share a prefix.
    ...others.flatMap((o) => [
      c("ecr:PutImage", repo(env.name, o), "ImplicitlyDenied"),
      c("lambda:UpdateFunctionCode", fn(env.name, o), "ImplicitlyDenied", tag("app"), "image-owner app"),
      c("ssm:PutParameter", param(env.name, o), "ImplicitlyDenied", overwrite("true"), "overwrite"),
    ]),
    c("ecr:PutImage", `arn:aws:ecr:${region}:${account}:repository/${env.name}-${sid}x-${FN}`, "ImplicitlyDenied"),
    c("lambda:UpdateFunctionCode", `arn:aws:lambda:${region}:${account}:function:${env.name}x-${sid}-${FN}`, "ImplicitlyDenied", tag("app"), "image-owner app"),

    // Other environments: their names in this account, and their own accounts.
    ...envs
      .filter((o) => o.name !== env.name)
      .flatMap((o) => [
        c("ecr:PutImage", repo(o.name, sid), "ImplicitlyDenied"),
        c("ecr:PutImage", repo(o.name, sid, o.accountId), "ImplicitlyDenied"),
        c("lambda:UpdateFunctionCode", fn(o.name, sid, o.accountId), "ImplicitlyDenied", tag("app"), "image-owner app"),
        c("ssm:PutParameter", param(o.name, sid, o.accountId), "ImplicitlyDenied", overwrite("true"), "overwrite"),
      ]),

    // Everything structural, on the team's own resources.
    ...LAMBDA_INFRASTRUCTURE_ONLY_ACTIONS.map((a) =>
      c(
        a,
        a.startsWith("ecr:") ? repo(env.name, sid) : a.startsWith("ssm:") ? param(env.name, sid) : fn(env.name, sid),
        "ExplicitlyDenied",
        a.startsWith("lambda:") ? tag("app") : {},
      ),
    ),
    c("iam:TagRole", role.arn, "ExplicitlyDenied"),
    c("iam:CreatePolicyVersion", `arn:aws:iam::${account}:policy/${containerFunctionAppTeamPolicyName(env.name)}`, "ExplicitlyDenied"),
  ];
}

const matrix: Case[] = envs.flatMap((env) =>
  rolesOf(stacks[env.name])
    .filter(isContainerFunctionTeamRole)
    .flatMap((role) => casesFor(env, role)),
);

async function decide(c: Case, tags: Record<string, string>): Promise<Decision | string> {
  const r = await runSimulation(
    {
      request: {
        principal: c.role.arn,
        action: c.action,
        resource: { resource: c.resource, accountId: c.env.accountId },
        contextVariables: { ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])), ...c.context },
      },
      identityPolicies: c.role.attached.map((p) => ({ name: p.name, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  return r.resultType === "error" ? `error: ${JSON.stringify(r.errors)}` : (r.overallResult as Decision);
}

describe("container functions: permissions matrix of the application-team roles (IAM policy simulator)", () => {
  test("every application-team role of a product with a container function has the policy, and the matrix covers them all", () => {
    const configured = envs.flatMap((e) =>
      e.products.flatMap((p) => [
        ...(p.access?.maintenance ? [appTeamRoleName(e.name, p.sid, AppTeamRoleKind.MAINTENANCE)] : []),
        ...(p.access?.cicd ? [appTeamRoleName(e.name, p.sid, AppTeamRoleKind.CICD)] : []),
      ]),
    );
    expect([...new Set(matrix.map((c) => c.role.name))].sort()).toEqual(configured.sort());
    for (const kind of ["Allowed", "ImplicitlyDenied", "ExplicitlyDenied"]) expect(matrix.some((c) => c.expected === kind)).toBe(true);
  });

  test.each(matrix.map((c) => [c.label, c.expected, c] as const))("%s -> %s", async (_label, expected, c) => {
    expect(await decide(c, c.role.tags)).toBe(expected);
  });

  test("a session without the principal tags gets nothing", async () => {
    const own = matrix.filter((c) => c.expected === "Allowed" && c.resource !== "*");
    expect(own.length).toBeGreaterThan(0);
    for (const c of own) expect(`${c.label}: ${await decide(c, {})}`).toBe(`${c.label}: ImplicitlyDenied`);
  });

  test("the policy passes the project's IAM guardrails", async () => {
    for (const stack of Object.values(stacks)) {
      // What a resource records as an accepted exception (with its reason) is not a finding (guardrails/suppressions.ts).
      const accepted = [...resourceSuppressions(stack), ...SUPPRESSIONS];
      for (const rule of [onlyRealActions, noStarResourceUnlessRequired, abacPoliciesDenyRetagging])
        expect(
          (await rule.check(stack)).filter(
            (f) =>
              !accepted.some((a) => a.rule === rule.id && (a.address.endsWith("*") ? f.address.startsWith(a.address.slice(0, -1)) : a.address === f.address)),
          ),
        ).toEqual([]);
    }
  });
});
