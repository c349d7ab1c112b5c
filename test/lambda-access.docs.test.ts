/**
 * The example workflow examples/github-actions/deploy-lambda-image.yml against the role it assumes: every AWS call
 * in it (and the registry calls `docker push` makes) is allowed by the synthesized policies for the function it
 * names, and it follows the documented order. The function is declared here (temporary manifest), so the check does
 * not depend on the repository's own manifests.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { loadEnvironments } from "../config/load";
import { readContainerFunctionManifestSources, validateContainerFunctions } from "../config/functions/lambda/load";
import {
  DOCKER_PLATFORM,
  IMAGE_OWNER_TAG,
  CONTAINER_FUNCTION_DEFAULTS,
  imageTagParameterName,
  containerFunctionRepositoryName,
  registryHost,
} from "../model/container-function";
import { AppTeamRoleKind } from "../model/vocabulary";
import { appTeamRoleName } from "../model/names";
import { rolesOf } from "../scripts/lib/synthesized-iam";
import { synthesize } from "./support/synth";

const root = path.join(__dirname, "..");
const workflow = readFileSync(path.join(root, "examples", "github-actions", "deploy-lambda-image.yml"), "utf8");
const one = (re: RegExp) => {
  const m = re.exec(workflow);
  if (!m) throw new Error(`deploy-lambda-image.yml: nothing matches ${re}`);
  return m[1];
};
const roleArn = one(/role-to-assume:\s*(\S+)/);
const region = one(/aws-region:\s*(\S+)/);
const jobEnvironment = one(/^\s+environment:\s*(\S+)/m);
const functionName = one(/FUNCTION_NAME:\s*(\S+)/);
const parameter = one(/IMAGE_TAG_PARAMETER:\s*(\S+)/);
const registry = one(/REGISTRY:\s*(\S+)/);
const repository = one(/REPOSITORY:\s*(\S+)/);
const platform = one(/PLATFORM:\s*(\S+)/);

const envs = loadEnvironments(path.join(root, "environments"));
const env = envs.find((e) => roleArn.startsWith(`arn:aws:iam::${e.accountId}:role/`))!;
const product = env?.products.find((p) => roleArn === `arn:aws:iam::${env.accountId}:role/${appTeamRoleName(env.name, p.sid, AppTeamRoleKind.CICD)}`);
const name = product ? functionName.slice(`${env.name}-${product.sid}-`.length) : "";

// The function the workflow deploys, as a manifest with the defaults (arm64), in the workflow's environment.
const dir = mkdtempSync(path.join(os.tmpdir(), "lambda-docs-"));
mkdirSync(path.join(dir, name || "x"));
writeFileSync(
  path.join(dir, name || "x", "manifest.json"),
  JSON.stringify({ ticket: "EDGE-1", name: name || "x", sid: product?.sid, environments: [env?.name], owner: "app" }),
);
const stacks = product ? synthesize(envs, [], validateContainerFunctions(readContainerFunctionManifestSources(dir), envs)) : {};

/** The IAM actions behind each AWS call of the workflow (`docker push` is the registry's upload API). */
const ACTIONS: Record<string, { actions: string[]; resource: "repository" | "function" | "parameter" | "*"; context?: Record<string, string> }> = {
  "aws ecr get-login-password": { actions: ["ecr:GetAuthorizationToken"], resource: "*" },
  "aws ecr describe-images": { actions: ["ecr:DescribeImages"], resource: "repository" },
  "docker buildx build --push": {
    actions: [
      "ecr:BatchCheckLayerAvailability",
      "ecr:InitiateLayerUpload",
      "ecr:UploadLayerPart",
      "ecr:CompleteLayerUpload",
      "ecr:PutImage",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ],
    resource: "repository",
  },
  // GetFunction returns the function's tags only to callers that may also lambda:ListTags.
  "aws lambda get-function": { actions: ["lambda:GetFunction", "lambda:ListTags"], resource: "function" },
  "aws lambda update-function-code": { actions: ["lambda:UpdateFunctionCode"], resource: "function" },
  // The waiter polls GetFunction (function-updated-v2; function-updated would poll GetFunctionConfiguration).
  "aws lambda wait function-updated-v2": { actions: ["lambda:GetFunction"], resource: "function" },
  "aws ssm put-parameter": { actions: ["ssm:PutParameter"], resource: "parameter", context: { "ssm:Overwrite": "true" } },
};

const calls = [
  ...[...workflow.matchAll(/\baws (ecr|lambda|ssm) (wait [a-z0-9-]+|[a-z0-9-]+)/g)].map((m) => `aws ${m[1]} ${m[2]}`),
  ...(/docker buildx build [^\n]*--push/.test(workflow) ? ["docker buildx build --push"] : []),
];

test("assumes a configured CI/CD role from the GitHub environment it trusts, for a function of its own product", () => {
  expect(product?.access?.cicd?.environment).toBe(jobEnvironment);
  expect(region).toBe(env.region);
  expect(functionName).toBe(`${env.name}-${product!.sid}-${name}`);
  expect(parameter).toBe(imageTagParameterName(env.name, product!.sid, name));
  expect(registry).toBe(registryHost(env.accountId, env.region));
  expect(repository).toBe(containerFunctionRepositoryName(env.name, product!.sid, name));
  expect(platform).toBe(DOCKER_PLATFORM[CONTAINER_FUNCTION_DEFAULTS.architecture]);
  expect(workflow).toMatch(/id-token:\s*write/);
});

test("pushes, updates the code, waits, and only then writes the tag with --overwrite (never creates the parameter)", () => {
  const order = ["docker buildx build", "aws lambda update-function-code", "aws lambda wait function-updated-v2", "aws ssm put-parameter"].map((c) =>
    workflow.indexOf(c),
  );
  expect(order.every((i) => i >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  expect(/aws ssm put-parameter[^\n]*--overwrite/.test(workflow)).toBe(true);
  expect(workflow).not.toMatch(/:latest\b/);
  expect(workflow).toMatch(/--provenance=false/);
});

test("every AWS call in the workflow is one this test knows the IAM actions of", () => {
  expect([...new Set(calls)].sort()).toEqual(Object.keys(ACTIONS).sort());
});

const checks = Object.entries(ACTIONS).flatMap(([call, { actions, resource, context }]) =>
  actions.map((action) => [call, action, resource, context ?? {}] as const),
);
test.each(checks)("%s: %s is allowed for the role", async (_call, action, kind, context) => {
  const role = rolesOf(stacks[env.name]).find((r) => r.arn === roleArn)!;
  const resource = {
    "*": "*",
    repository: `arn:aws:ecr:${region}:${env.accountId}:repository/${repository}`,
    function: `arn:aws:lambda:${region}:${env.accountId}:function:${functionName}`,
    parameter: `arn:aws:ssm:${region}:${env.accountId}:parameter${parameter}`,
  }[kind];
  const r = await runSimulation(
    {
      request: {
        principal: role.arn,
        action,
        resource: { resource, accountId: env.accountId },
        contextVariables: {
          "aws:PrincipalTag/environment": role.tags.environment,
          "aws:PrincipalTag/sid": role.tags.sid,
          // The function's tags as the stack sets them (owner "app", like the example manifest).
          ...(kind === "function" ? { [`aws:ResourceTag/${IMAGE_OWNER_TAG}`]: "app" } : {}),
          ...context,
        },
      },
      identityPolicies: role.attached.map((p) => ({ name: p.name, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  expect(r.resultType === "error" ? JSON.stringify(r.errors) : `${action}: ${r.overallResult}`).toBe(`${action}: Allowed`);
});
