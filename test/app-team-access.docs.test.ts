import { readFileSync } from "node:fs";
import * as path from "node:path";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { loadEnvironments } from "../config/load";
import { AppTeamRoleKind } from "../model/vocabulary";
import { appTeamRoleName } from "../model/names";
import { ACCESS_DOC, renderAccessTable, TABLE_BEGIN, TABLE_END, TABLE_ENVIRONMENT } from "../scripts/access-table";
import { rolesOf } from "../scripts/lib/synthesized-iam";
import { synthesizeExamples } from "./support/synth";

const root = path.join(__dirname, "..");
const stacks = synthesizeExamples();
const doc = readFileSync(path.join(root, ACCESS_DOC), "utf8");

test("docs/access.md's table of what each role may do equals the synthesized policies", () => {
  const table = renderAccessTable(stacks[TABLE_ENVIRONMENT]);
  expect(doc).toContain(`${TABLE_BEGIN}\n${table}\n${TABLE_END}`);
  // The table is complete: every statement of every policy an application-team role attaches is a row.
  const policies = new Map(
    rolesOf(stacks[TABLE_ENVIRONMENT])
      .filter((r) => r.attached.some((p) => /-(cf2|lambda)-app-team$/.test(p.name)))
      .flatMap((r) => r.attached.map((p) => [p.name, p.document.Statement.length] as const)),
  );
  expect(table.split("\n")).toHaveLength(2 + [...policies.values()].reduce((a, b) => a + b, 0));
});

test("a changed policy makes the table differ (the check can fail)", () => {
  const stack = JSON.parse(JSON.stringify(stacks[TABLE_ENVIRONMENT]));
  const policy = Object.values<any>(stack.resource.aws_iam_policy).find((p) => p.name.endsWith("-cf2-app-team"));
  policy.policy = policy.policy.replace('"logs:GetQueryResults",', "");
  expect(doc).not.toContain(`${TABLE_BEGIN}\n${renderAccessTable(stack)}\n${TABLE_END}`);
});

describe("the example GitHub Actions workflow", () => {
  const workflow = readFileSync(path.join(root, "examples", "github-actions", "publish-cf2.yml"), "utf8");
  const one = (re: RegExp) => {
    const m = re.exec(workflow);
    if (!m) throw new Error(`publish-cf2.yml: nothing matches ${re}`);
    return m[1];
  };
  const roleArn = one(/role-to-assume:\s*(\S+)/);
  const jobEnvironment = one(/^\s+environment:\s*(\S+)/m);
  const functionName = one(/FUNCTION_NAME:\s*(\S+)/);
  const env = loadEnvironments(path.join(root, "environments")).find((e) => roleArn.startsWith(`arn:aws:iam::${e.accountId}:role/`))!;
  const product = env?.products.find((p) => roleArn === `arn:aws:iam::${env.accountId}:role/${appTeamRoleName(env.name, p.sid, AppTeamRoleKind.CICD)}`);

  test("assumes a configured CI/CD role from the GitHub environment that role trusts, with an OIDC token", () => {
    expect(product?.access?.cicd?.environment).toBe(jobEnvironment);
    expect(functionName.startsWith(`${env.name}-${product!.sid}-`)).toBe(true);
    expect(workflow).toMatch(/id-token:\s*write/);
  });

  const commands = [...new Set([...workflow.matchAll(/aws cloudfront ([a-z-]+)/g)].map((m) => m[1]))];
  test("runs describe, update, test and publish", () => {
    expect(commands.sort()).toEqual(["describe-function", "publish-function", "test-function", "update-function"]);
  });

  test.each(commands)("aws cloudfront %s is allowed for the role on its function", async (command) => {
    const role = rolesOf(stacks[env.name]).find((r) => r.arn === roleArn)!;
    const action = `cloudfront:${command.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}`;
    const r = await runSimulation(
      {
        request: {
          principal: role.arn,
          action,
          resource: { resource: `arn:aws:cloudfront::${env.accountId}:function/${functionName}`, accountId: env.accountId },
          contextVariables: { "aws:PrincipalTag/environment": role.tags.environment, "aws:PrincipalTag/sid": role.tags.sid },
        },
        identityPolicies: role.attached.map((p) => ({ name: p.name, policy: p.document })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    expect(r.resultType === "error" ? r.errors.message : `${action}: ${r.overallResult}`).toBe(`${action}: Allowed`);
  });
});
