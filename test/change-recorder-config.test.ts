/**
 * `changeRecorder` in environment files: precise messages for bad values, one recorder per account, and what the
 * stack hands the recorder when several environments share the account (built from temporary fixtures).
 */
import { InfraRoleKind, infraRoleName } from "../model/deploy-roles";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { resolveChangeRecorder } from "../config/change-recorder";
import { ConfigError, validateEnvironments } from "../config/load";
import { loadFunctions } from "../config/functions/cf2/load";
import dev from "../environments/dev";
import { problemsAfter as check } from "./support/config";
import { resourcesOfType, synthesize } from "./support/synth";

const devSites = dev.sites ?? [];
const RECORDER = { repository: "example-org/edge-delivery", tokenParameter: "/edge/change-recorder/github-token" };
const problemsAfter = (mutate: (env: any) => void) => check(dev, "environments/dev.ts", (e) => ((e.changeRecorder = { ...RECORDER }), mutate(e)));

test.each([
  [
    "repository without owner",
    (e: any) => (e.changeRecorder.repository = "edge-delivery"),
    'field "changeRecorder.repository": must be a GitHub repository "owner/name"',
  ],
  [
    "token parameter without a leading slash",
    (e: any) => (e.changeRecorder.tokenParameter = "github-token"),
    'field "changeRecorder.tokenParameter": must be an SSM parameter name starting with "/"',
  ],
  ["token parameter in AWS's reserved namespace", (e: any) => (e.changeRecorder.tokenParameter = "/aws/github"), 'must not start with "/aws" or "/ssm"'],
  [
    "KMS key outside us-east-1",
    (e: any) => (e.changeRecorder.tokenKmsKeyArn = "arn:aws:kms:ap-northeast-1:123456789012:key/0d3f8a1e-5b7c-4e2a-9c61-2f4b8e7a9d10"),
    'field "changeRecorder.tokenKmsKeyArn": must be a KMS key ARN in us-east-1',
  ],
  [
    "automation principal that is not an ARN",
    (e: any) => (e.changeRecorder.automationPrincipals = ["deploy-role"]),
    "entry changeRecorder.automationPrincipals[0]: must be an IAM role or user ARN",
  ],
  [
    "us-east-1 as a watched region",
    (e: any) => (e.changeRecorder.watchRegions = ["us-east-1"]),
    'field "changeRecorder.watchRegions": lists us-east-1, which is always watched',
  ],
  [
    "unknown region",
    (e: any) => (e.changeRecorder.watchRegions = ["ap-northeast-9"]),
    'entry changeRecorder.watchRegions[0]: the text "ap-northeast-9" is not allowed; one of "us-east-1"',
  ],
  [
    "noncurrent versions kept 0 days",
    (e: any) => (e.changeRecorder.noncurrentVersionDays = 0),
    'field "changeRecorder.noncurrentVersionDays": must be 1-3650 days',
  ],
  [
    "the removed alarmTopicArn",
    (e: any) => (e.changeRecorder.alarmTopicArn = "arn:aws:sns:us-east-1:123456789012:alerts"),
    `field "changeRecorder.alarmTopicArn": was removed: the recorder's alarms notify the environment's "alarms" topic`,
  ],
  ["records kept 7 days", (e: any) => (e.changeRecorder.recordRetentionDays = 7), "keep records at least 30 days"],
  [
    "unknown field",
    (e: any) => (e.changeRecorder.trail = true),
    'field "changeRecorder": unknown field "trail"; allowed here: repository, tokenParameter, tokenKmsKeyArn, automationPrincipals, watch, watchRegions, noncurrentVersionDays, objectLockDays, recordRetentionDays, label, githubApiUrl',
  ],
  [
    "hosted zone id with its path",
    (e: any) => (e.changeRecorder.watch = { route53HostedZoneIds: ["/hostedzone/Z0123456789ABC"] }),
    'entry changeRecorder.watch.route53HostedZoneIds[0]: must be a Route 53 hosted zone id: "Z" and up to 31 capital letters or digits, without "/hostedzone/"',
  ],
  [
    "an API id twice",
    (e: any) => (e.changeRecorder.watch = { apiGatewayIds: ["a1b2c3d4e5", "a1b2c3d4e5"] }),
    'field "changeRecorder.watch.apiGatewayIds": lists an id twice',
  ],
  [
    "an API id in capitals",
    (e: any) => (e.changeRecorder.watch = { apiGatewayIds: ["A1B2C3D4E5"] }),
    "entry changeRecorder.watch.apiGatewayIds[0]: must be an API Gateway API id: 10 lowercase letters or digits",
  ],
  ["unknown watch field", (e: any) => (e.changeRecorder.watch = { cloudfrontIds: [] }), 'field "changeRecorder.watch": unknown field "cloudfrontIds"'],
])("%s", (_, mutate, message) => {
  expect(problemsAfter(mutate)).toEqual([expect.stringContaining(message)]);
});

test("watched zones and APIs are resolved for the recorder; the environment's region forwards API events", () => {
  const watch = { route53HostedZoneIds: ["Z0123456789ABCDEFGHIJ"], apiGatewayIds: ["a1b2c3d4e5"] };
  const [env] = validateEnvironments([{ file: "environments/dev.ts", input: { ...dev, sites: [], changeRecorder: { ...RECORDER, watch } } }]);
  const recorder = resolveChangeRecorder(env, [env], [])!;
  expect([recorder.hostedZoneIds, recorder.apiGatewayIds]).toEqual([["Z0123456789ABCDEFGHIJ"], ["a1b2c3d4e5"]]);
  expect(recorder.forwardRegions).toEqual(dev.region === "us-east-1" ? [] : [dev.region]);
});

test("valid with defaults", () => {
  const [env] = validateEnvironments([{ file: "environments/dev.ts", input: { ...dev, changeRecorder: RECORDER } }]);
  expect(env.changeRecorder).toEqual({
    ...RECORDER,
    automationPrincipals: [],
    noncurrentVersionDays: 30,
    recordRetentionDays: 731,
    label: "change-recorder",
    githubApiUrl: "https://api.github.com",
  });
});

/** A second environment in dev's account, in another region, with one site whose distribution id is known. */
const qa = {
  ...dev,
  name: "qa",
  region: "eu-west-1",
  githubOidc: { existingProviderArn: `arn:aws:iam::${dev.accountId}:oidc-provider/token.actions.githubusercontent.com` },
  sites: [{ name: "web", sid: "shop", distribution: { id: "E2QASHOPWEB001" } }],
};

describe("container functions of every environment of the account", () => {
  const spec = (name: string, owner: string, environments: string[]) => ({ manifest: { name, sid: "shop", owner, environments } });
  const [devEnv, qaEnv] = validateEnvironments([
    { file: "environments/dev.ts", input: { ...dev, changeRecorder: RECORDER } },
    { file: "environments/qa.ts", input: { ...qa, sites: [], products: [{ sid: "shop", description: "Shop" }] } },
  ]);
  const recorder = resolveChangeRecorder(devEnv, [devEnv, qaEnv], [], [spec("api", "app", ["dev", "qa"]), spec("render", "infra", ["qa"])])!;
  const byName = new Map(recorder.containerFunctions.map((f) => [f.functionName, f]));

  test("function, repository and image-tag parameter by the names the stacks give them", () => {
    expect([...byName.keys()].sort()).toEqual(["dev-shop-api", "qa-shop-api", "qa-shop-render"]);
    expect(byName.get("qa-shop-render")).toEqual({
      functionName: "qa-shop-render",
      repositoryName: "qa-shop-render",
      parameterName: "/edge/qa/shop/render/image-tag",
    });
  });

  test("an app-owned function's expected shippers are its team's own roles in its environment; an infra-owned one has none", () => {
    const devShop = devEnv.products.find((p) => p.sid === "shop");
    const kinds = (["maintenance", "cicd"] as const).filter((k) => devShop?.access?.[k]);
    expect(byName.get("dev-shop-api")?.teamPrincipals).toEqual(kinds.map((k) => `arn:aws:iam::${dev.accountId}:role/dev-shop-cf2-${k}`));
    // qa's product gives its team no roles: nobody ships qa's function without raising an issue.
    expect(byName.get("qa-shop-api")?.teamPrincipals).toEqual([]);
    expect(byName.get("qa-shop-render")?.teamPrincipals).toBeUndefined();
  });

  test("the regions of environments with container functions forward their events", () => {
    expect(recorder.forwardRegions).toContain("eu-west-1");
  });
});

test("one recorder per account: a second environment of the account that enables it is told which one does", () => {
  expect(() =>
    validateEnvironments([
      { file: "environments/dev.ts", input: { ...dev, changeRecorder: RECORDER } },
      { file: "environments/qa.ts", input: { ...qa, changeRecorder: RECORDER } },
    ]),
  ).toThrow(ConfigError);
  try {
    validateEnvironments([
      { file: "environments/dev.ts", input: { ...dev, changeRecorder: RECORDER } },
      { file: "environments/qa.ts", input: { ...qa, changeRecorder: RECORDER } },
    ]);
  } catch (err) {
    expect((err as ConfigError).problems).toEqual([
      `environments/qa.ts: field "changeRecorder": environments/dev.ts already records changes in account ${dev.accountId} (one recorder per account watches all its environments); remove it here`,
    ]);
  }
});

describe("the recorder watches every environment of its account", () => {
  let config: any;
  let stacks: Record<string, any>;
  beforeAll(() => {
    const envs = validateEnvironments([
      {
        file: "environments/dev.ts",
        input: { ...dev, changeRecorder: { ...RECORDER, automationPrincipals: [`arn:aws:iam::${dev.accountId}:role/edge-delivery-deploy`] } },
      },
      { file: "environments/qa.ts", input: qa },
    ]);
    const dir = mkdtempSync(path.join(os.tmpdir(), "recorder-fns-"));
    try {
      const fn = (name: string, owner: string, environments: string[], eventType: string) => {
        mkdirSync(path.join(dir, name));
        writeFileSync(
          path.join(dir, name, "manifest.json"),
          JSON.stringify({
            ticket: "SHOP-1",
            name,
            sid: "shop",
            environments,
            associations: [{ site: "web", behavior: "default", eventType }],
            runtime: "cloudfront-js-2.0",
            owner,
          }),
        );
        writeFileSync(path.join(dir, name, "index.js"), "function handler(event) { return event.request; }\n");
      };
      fn("redirects", "app", ["dev", "qa"], "viewer-request");
      fn("headers", "infra", ["dev", "qa"], "viewer-response");
      stacks = synthesize(envs, loadFunctions(envs, dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const fnResource = Object.values(resourcesOfType(stacks.dev, "aws_lambda_function")).find((f: any) => f.function_name === "dev-change-recorder") as any;
    config = JSON.parse(fnResource.environment.variables.RECORDER_CONFIG.replace(/\$\$\{/g, "${"));
  });

  test("names: both environments' function, role and policy prefixes and buckets; distributions: own by reference, the peer's by id", () => {
    expect(config.watch.functionPrefixes).toEqual(["dev-", "qa-"]);
    expect(config.watch.iamNamePrefixes).toEqual(["dev-", "qa-"]);
    expect(config.watch.buckets).toEqual(
      devSites.map((s) => s.bucketName ?? `dev-${s.sid}-${s.name}-${dev.accountId}`).concat([`qa-shop-web-${dev.accountId}`]),
    );
    const ids: string[] = config.watch.distributionIds;
    expect(ids.filter((id) => /^\$\{aws_cloudfront_distribution\.site-.*\.id\}$/.test(id))).toHaveLength(devSites.length);
    expect(ids.filter((id) => !id.startsWith("${"))).toEqual(["E2QASHOPWEB001"]);
  });

  test("automation: the configured deploy role, this stack's service roles by ARN, the peer's by naming pattern; never an app-team role", () => {
    const ownInvalidators = devSites.filter((s) => s.invalidation).map((s) => `arn:aws:iam::${dev.accountId}:role/dev-${s.sid}-${s.name}-invalidator`);
    expect(config.automationPrincipals).toEqual(
      expect.arrayContaining([
        `arn:aws:iam::${dev.accountId}:role/edge-delivery-deploy`,
        ...ownInvalidators,
        `arn:aws:iam::${dev.accountId}:role/qa-*-invalidator`,
        `arn:aws:iam::${dev.accountId}:role/qa-*-cd-promote`,
      ]),
    );
    expect(config.automationPrincipals.filter((a: string) => /cf2-(maintenance|cicd)/.test(a))).toEqual([]);
    // CI's applies are automation: the apply role the stack actually creates (deployRoles), not a name nothing makes.
    if (dev.deployRoles) expect(config.automationPrincipals).toContain(`arn:aws:iam::${dev.accountId}:role/${infraRoleName("dev", InfraRoleKind.APPLY)}`);
    expect(config.automationPrincipals).not.toContain(`arn:aws:iam::${dev.accountId}:role/${infraRoleName("dev", InfraRoleKind.PLAN)}`);
    expect(config.appTeamPrincipals).toEqual(
      expect.arrayContaining([`arn:aws:iam::${dev.accountId}:role/dev-shop-cf2-cicd`, `arn:aws:iam::${dev.accountId}:role/qa-*-cf2-cicd`]),
    );
  });

  test("app-owned functions of both environments, not infra-owned ones", () => {
    expect(config.appOwnedFunctions).toEqual(["dev-shop-redirects", "qa-shop-redirects"]);
  });

  test("S3 events of both main regions are forwarded to us-east-1; the peer's stack gets no recorder", () => {
    const rules = Object.values(resourcesOfType(stacks.dev, "aws_cloudwatch_event_rule")).map((r: any) => [r.name, r.provider ?? "aws"]);
    expect(rules).toEqual(
      expect.arrayContaining([
        ["dev-change-recorder-forward-ap-northeast-1", "aws"],
        ["dev-change-recorder-forward-eu-west-1", "aws.change_recorder_eu_west_1"],
        ["dev-change-recorder-cloudfront", "aws.us_east_1"],
      ]),
    );
    expect(stacks.dev.provider.aws.find((p: any) => p.alias === "change_recorder_eu_west_1")).toMatchObject({
      region: "eu-west-1",
      allowed_account_ids: [dev.accountId],
    });
    expect(Object.keys(resourcesOfType(stacks.qa, "aws_lambda_function")).filter((k) => k.includes("change-recorder"))).toEqual([]);
  });
});
