import { CLOUDTRAIL_FIXTURES, trailEvent, trailFixtureNames, variant } from "../../test/support/cloudtrail";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ChangeKind, classify, matchesAny } from "./classify";
import { ConfigurationError, parseConfig } from "./config";
import { consequence, describeActor, issueBody } from "./issue";
import { normalize, resourceKey, stripApiVersion, UnreadableEventError } from "./normalize";
import { recordKey } from "./store";

const ACCOUNT = "123456789012";
const CONFIG = parseConfig(
  JSON.stringify({
    bucket: "dev-change-records-123456789012",
    repository: "example-org/edge-delivery",
    tokenParameter: "/edge/dev/change-recorder/github-token",
    automationPrincipals: [
      `arn:aws:iam::${ACCOUNT}:role/edge-delivery-deploy`,
      `arn:aws:iam::${ACCOUNT}:role/dev-shop-web-cd-promote`,
      `arn:aws:iam::${ACCOUNT}:role/dev-shop-web-invalidator`,
    ],
    appTeamPrincipals: [`arn:aws:iam::${ACCOUNT}:role/dev-shop-cf2-cicd`, `arn:aws:iam::${ACCOUNT}:role/dev-shop-cf2-maintenance`],
    appOwnedFunctions: ["dev-shop-redirects"],
    watch: {
      distributionIds: ["E1DEVSHOPWEB01", "E1DEVSHOPSTG01"],
      functionPrefixes: ["dev-"],
      buckets: ["dev-shop-web-123456789012"],
      iamNamePrefixes: ["dev-"],
    },
    environment: "dev",
  }),
);

/** The expected kind of every fixture, from the fixtures' README table (so a new fixture needs a row there). */
function expectedKinds(): Record<string, string> {
  const readme = readFileSync(path.join(CLOUDTRAIL_FIXTURES, "README.md"), "utf8");
  return Object.fromEntries([...readme.matchAll(/^\| `([a-z0-9-]+)\.json` \|[^|]*\|[^|]*\| ([a-z-]+) \|$/gm)].map((m) => [m[1], m[2]]));
}

describe("classification of realistic CloudTrail events", () => {
  const kinds = expectedKinds();
  test("every fixture has an expected kind in test/fixtures/cloudtrail/README.md", () => {
    expect(Object.keys(kinds).sort()).toEqual(trailFixtureNames().sort());
  });
  test.each(trailFixtureNames())("%s", (name) => {
    expect(classify(normalize(trailEvent(name)), CONFIG).kind).toBe(kinds[name]);
  });

  test("a promotion is a promotion whoever runs it, never a hand edit, and is matched despite the API-version suffix", () => {
    const byHand = normalize(trailEvent("sso-cli-promote"));
    expect(byHand.operation).toBe("UpdateDistributionWithStagingConfig");
    expect(classify(byHand, CONFIG)).toEqual({ kind: ChangeKind.PROMOTION, reason: "promotion of staging distribution E1DEVSHOPSTG01 to E1DEVSHOPWEB01" });
    // Without the suffix (as other services log) it is the same operation.
    const unsuffixed = normalize(variant("sso-cli-promote", "x1", { eventName: "UpdateDistributionWithStagingConfig" }));
    expect(classify(unsuffixed, CONFIG).kind).toBe(ChangeKind.PROMOTION);
    // The Promote state machine's own promotion is automation.
    const bySfn = normalize(
      variant("pipeline-role-create-invalidation", "x2", {
        eventName: "UpdateDistributionWithStagingConfig2020_05_31",
        requestParameters: { id: "E1DEVSHOPWEB01", stagingDistributionId: "E1DEVSHOPSTG01" },
      }),
    );
    expect(classify(bySfn, CONFIG).kind).toBe(ChangeKind.AUTOMATION);
    // A plain UpdateDistribution by the same person is a hand edit.
    expect(classify(normalize(variant("sso-cli-promote", "x3", { eventName: "UpdateDistribution2020_05_31" })), CONFIG).kind).toBe(ChangeKind.MANUAL);
  });

  test("the application team's role is expected only on its app-owned functions' code", () => {
    const cicd = (req: object, eventName = "UpdateFunction2020_05_31") =>
      classify(normalize(variant("app-cicd-update-function", "y", { eventName, requestParameters: req })), CONFIG).kind;
    expect(cicd({ name: "dev-shop-redirects" }, "PublishFunction2020_05_31")).toBe(ChangeKind.APP_TEAM);
    expect(cicd({ name: "dev-shop-security-headers" })).toBe(ChangeKind.MANUAL); // infra-owned
    expect(cicd({ name: "dev-shop-redirects" }, "DeleteFunction2020_05_31")).toBe(ChangeKind.MANUAL); // not the team's to delete
  });

  test("an automation role matched by a wildcard pattern; other roles are not", () => {
    expect(matchesAny(`arn:aws:iam::${ACCOUNT}:role/dev-shop-web-pipeline`, [`arn:aws:iam::${ACCOUNT}:role/dev-*-pipeline`])).toBe(true);
    expect(matchesAny(`arn:aws:iam::${ACCOUNT}:role/dev-shop-web-pipelineX`, [`arn:aws:iam::${ACCOUNT}:role/dev-*-pipeline`])).toBe(false);
    expect(matchesAny(`arn:aws:iam::${ACCOUNT}:role/dev.shop`, [`arn:aws:iam::${ACCOUNT}:role/dev?shop`])).toBe(false);
  });

  test("without watch lists every resource is watched", () => {
    const open = { ...CONFIG, watch: {} };
    expect(classify(normalize(trailEvent("noise-scratch-function")), open).kind).toBe(ChangeKind.MANUAL);
  });
});

describe("normalization", () => {
  test("console single sign-on user: who, from where, what, when; suffix stripped", () => {
    const r = normalize(trailEvent("console-sso-update-distribution"));
    expect(r).toMatchObject({
      schemaVersion: 1,
      eventId: "0f4c5d2e-9a51-4e55-a8b9-2b1d7c3e4f01",
      eventTime: "2026-11-30T08:14:52Z",
      region: "us-east-1",
      account: ACCOUNT,
      service: "cloudfront",
      eventName: "UpdateDistribution2020_05_31",
      operation: "UpdateDistribution",
      resource: { type: "distribution", id: "E1DEVSHOPWEB01" },
      actor: {
        type: "AssumedRole",
        ssoUser: "alice@example.com",
        permissionSet: "AdministratorAccess",
        sessionName: "alice@example.com",
        sessionIssuer: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/ap-northeast-1/AWSReservedSSO_AdministratorAccess_3f9a1c2b4d5e6f70`,
        console: true,
        mfa: false,
        sourceIp: "203.0.113.24",
      },
      readOnly: false,
    });
    expect((r.requestParameters as any).distributionConfig.priceClass).toBe("PriceClass_All");
    expect(describeActor(r)).toBe("single sign-on user **alice@example.com** (permission set AdministratorAccess)");
  });

  test("root and access-key users are named as such", () => {
    const root = normalize(trailEvent("root-delete-bucket-policy"));
    expect(root).toMatchObject({
      service: "s3",
      region: "ap-northeast-1",
      resource: { type: "bucket", id: "dev-shop-web-123456789012" },
      actor: { type: "Root", mfa: true },
    });
    expect(describeActor(root)).toContain("**root user**");
    const bob = normalize(trailEvent("access-key-user-put-role-policy"));
    expect(bob).toMatchObject({
      resource: { type: "role", id: "dev-shop-web-invalidator" },
      actor: { type: "IAMUser", userName: "bob", accessKeyId: "AKIAYBOBEXAMPLE00003", console: false },
    });
    expect(describeActor(bob)).toBe("IAM user **bob** with access key AKIAYBOBEXAMPLE00003");
  });

  test("function code is replaced by its size and SHA-256, everything else is kept", () => {
    const r = normalize(trailEvent("app-cicd-update-function"));
    const code = Buffer.from(trailEvent("app-cicd-update-function").detail.requestParameters.functionCode, "base64");
    expect(r.requestParameters).toEqual({
      name: "dev-shop-redirects",
      ifMatch: "ETVPDKIKX0DER",
      functionConfig: { comment: "SHOP-1234 redirects (owner: app)", runtime: "cloudfront-js-2.0" },
      functionCode: { bytes: code.length, sha256: require("node:crypto").createHash("sha256").update(code).digest("hex") },
    });
    expect(JSON.stringify(r)).not.toContain("ZnVuY3Rpb24");
  });

  test("a promotion names the primary and the staging distribution; a failed call keeps its error", () => {
    expect(normalize(trailEvent("sso-cli-promote")).resource).toEqual({ type: "distribution", id: "E1DEVSHOPWEB01", stagingDistributionId: "E1DEVSHOPSTG01" });
    expect(normalize(trailEvent("noise-access-denied"))).toMatchObject({ errorCode: "AccessDenied", resource: { type: "distribution", id: "unknown" } });
  });

  test("without a readOnly field a call is read-only by its name, and changes nothing", () => {
    const strip = (eventName: string) => {
      const e = variant("console-sso-update-distribution", "z", { eventName }) as any;
      delete e.detail.readOnly;
      return normalize(e);
    };
    for (const name of ["GetDistributionConfig", "ListDistributions", "DescribeFunction", "HeadBucket"]) {
      expect(strip(name).readOnly).toBe(true);
      expect(classify(strip(name), CONFIG).kind).toBe(ChangeKind.NO_CHANGE);
    }
    expect(strip("UpdateDistribution").readOnly).toBe(false);
    // The verb must end where a capital letter starts the noun.
    expect(strip("Listen").readOnly).toBe(false);
  });

  test("API-version suffixes are stripped only at the end", () => {
    expect(stripApiVersion("UpdateDistribution2020_05_31")).toBe("UpdateDistribution");
    expect(stripApiVersion("CreateDistributionWithTags2019_03_26")).toBe("CreateDistributionWithTags");
    expect(stripApiVersion("PutBucketPolicy")).toBe("PutBucketPolicy");
  });

  test("events that are not CloudTrail records are refused with a reason", () => {
    expect(() => normalize({ "detail-type": "Scheduled Event", detail: {} })).toThrow(UnreadableEventError);
    expect(() => normalize(null)).toThrow(/no detail/);
  });

  test("keys: date-partitioned by the call's time, named by the event id; one resource key per account", () => {
    const r = normalize(trailEvent("console-sso-update-distribution"));
    expect(recordKey("records/", r)).toBe("records/2026/11/30/0f4c5d2e-9a51-4e55-a8b9-2b1d7c3e4f01.json");
    expect(resourceKey(r)).toBe(`${ACCOUNT}/distribution/E1DEVSHOPWEB01`);
  });
});

describe("issue text", () => {
  test("says what, who, when, the next-plan consequence and asks for the reason; carries both markers", () => {
    const r = normalize(trailEvent("console-sso-update-distribution"));
    const body = issueBody(r, resourceKey(r), "s3://b/k.json");
    expect(body).toContain("<!-- change-recorder:resource=123456789012/distribution/E1DEVSHOPWEB01 -->");
    expect(body).toContain("<!-- change-recorder:event=0f4c5d2e-9a51-4e55-a8b9-2b1d7c3e4f01 -->");
    expect(body).toContain("`UpdateDistribution` on CloudFront distribution E1DEVSHOPWEB01");
    expect(body).toContain("2026-11-30T08:14:52Z");
    expect(body).toContain("Terraform will revert this at the next apply unless the code is changed.");
    expect(body).toMatch(/why was this change made\?/);
  });
  test("consequences differ for deletions, creations and invalidations", () => {
    const as = (eventName: string) => consequence(normalize(variant("console-sso-update-distribution", "z", { eventName })));
    expect(as("DeleteDistribution2020_05_31")).toMatch(/create this resource again/);
    expect(as("CreateDistribution2020_05_31")).toMatch(/does not know this resource/);
    expect(as("CreateInvalidation2020_05_31")).toMatch(/nothing to revert/);
    // A part removed is put back; the resource was never gone.
    const bucket = (eventName: string) => consequence(normalize(variant("root-delete-bucket-policy", "z", { eventName })));
    expect(bucket("DeleteBucketPublicAccessBlock")).toMatch(/put back the public access block of/);
    expect(bucket("DeleteBucketPublicAccessBlock")).not.toMatch(/new id/);
    expect(bucket("DeleteBucket")).toMatch(/empty bucket of the same name/);
    const role = (eventName: string) => consequence(normalize(variant("access-key-user-put-role-policy", "z", { eventName })));
    expect(role("DeleteRolePolicy")).toMatch(/put back the inline policy/);
    expect(role("DeleteRole")).toMatch(/new unique id/);
    // An app-owned function edited by someone else: Terraform ignores its code, so nothing will revert it.
    const fn = normalize(trailEvent("app-maintenance-update-infra-function"));
    expect(consequence(fn, true)).toMatch(/ignores this function's code/);
    expect(consequence(fn, false)).toBe("Terraform will revert this at the next apply unless the code is changed.");
  });
});

describe("RECORDER_CONFIG", () => {
  const base = { bucket: "b", repository: "o/r", tokenParameter: "/t" };
  test("defaults", () => {
    expect(parseConfig(JSON.stringify(base))).toMatchObject({
      prefix: "records/",
      githubApiUrl: "https://api.github.com",
      owner: "o",
      repo: "r",
      label: "change-recorder",
      maxAttempts: 5,
      watch: {},
    });
  });
  test.each([
    [undefined, "is not set"],
    ["{", "is not valid JSON"],
    [JSON.stringify({ ...base, repository: "no-slash" }), 'field "repository" must be "owner/name"'],
    [JSON.stringify({ ...base, bucket: "" }), 'field "bucket" must be a non-empty string'],
    [JSON.stringify({ ...base, automationPrincipals: "arn" }), 'field "automationPrincipals" must be an array'],
    [JSON.stringify({ ...base, watch: { buckets: [1] } }), 'field "watch.buckets" must be an array'],
    [JSON.stringify({ ...base, maxAttempts: 0 }), 'field "maxAttempts" must be an integer from 1 to 10'],
    [JSON.stringify({ ...base, githubApiUrl: "api.github.com" }), 'field "githubApiUrl" must be an http(s) URL'],
  ])("%s -> %s", (raw, message) => {
    expect(() => parseConfig(raw)).toThrow(ConfigurationError);
    expect(() => parseConfig(raw)).toThrow(message);
  });
});

describe("container functions: the team ships its own, everything else is manual", () => {
  const TEAM = `arn:aws:iam::${ACCOUNT}:role/dev-shop-cf2-cicd`;
  const config = parseConfig(
    JSON.stringify({
      bucket: "b",
      repository: "o/r",
      tokenParameter: "/t",
      automationPrincipals: [`arn:aws:iam::${ACCOUNT}:role/dev-infra-apply`],
      appOwnedContainerFunctions: [{ function: "dev-shop-api", repository: "dev-shop-api", parameter: "/edge/dev/shop/api/image-tag", teamPrincipals: [TEAM] }],
      watch: {
        lambdaFunctionPrefixes: ["dev-"],
        repositoryPrefixes: ["dev-"],
        parameterNames: ["/edge/dev/shop/api/image-tag", "/edge/dev/shop/render/image-tag"],
        hostedZoneIds: ["Z0123456789ABC"],
        apiIds: ["a1b2c3d4e5"],
      },
    }),
  );
  const by = (role: string, eventSource: string, eventName: string, requestParameters: object) =>
    normalize(
      variant("app-cicd-update-function", `c-${eventName}`, {
        eventSource,
        eventName,
        requestParameters,
        userIdentity: {
          type: "AssumedRole",
          arn: `${role.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/")}/s`,
          sessionContext: { sessionIssuer: { type: "Role", arn: role } },
        },
      }),
    );
  const someone = `arn:aws:iam::${ACCOUNT}:role/AdminRole`;

  test.each([
    [
      "the team updates its function's code (by ARN with qualifier)",
      TEAM,
      "lambda.amazonaws.com",
      "UpdateFunctionCode20150331v2",
      { functionName: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:dev-shop-api:$LATEST` },
      ChangeKind.APP_TEAM,
    ],
    ["the team pushes an image", TEAM, "ecr.amazonaws.com", "PutImage", { repositoryName: "dev-shop-api", imageTag: "v42" }, ChangeKind.APP_TEAM],
    [
      "the team writes the image tag",
      TEAM,
      "ssm.amazonaws.com",
      "PutParameter",
      { name: "/edge/dev/shop/api/image-tag", overwrite: true },
      ChangeKind.APP_TEAM,
    ],
    [
      "the team changes the function's configuration",
      TEAM,
      "lambda.amazonaws.com",
      "UpdateFunctionConfiguration20150331v2",
      { functionName: "dev-shop-api" },
      ChangeKind.MANUAL,
    ],
    ["the team writes another function's tag", TEAM, "ssm.amazonaws.com", "PutParameter", { name: "/edge/dev/shop/render/image-tag" }, ChangeKind.MANUAL],
    [
      "someone else updates the team's code",
      someone,
      "lambda.amazonaws.com",
      "UpdateFunctionCode20150331v2",
      { functionName: "dev-shop-api" },
      ChangeKind.MANUAL,
    ],
    [
      "the apply role updates a function",
      `arn:aws:iam::${ACCOUNT}:role/dev-infra-apply`,
      "lambda.amazonaws.com",
      "UpdateFunctionCode20150331v2",
      { functionName: "dev-shop-render" },
      ChangeKind.AUTOMATION,
    ],
    ["another team's function", someone, "lambda.amazonaws.com", "UpdateFunctionCode20150331v2", { functionName: "billing-worker" }, ChangeKind.UNWATCHED],
    ["a parameter that is no image tag", someone, "ssm.amazonaws.com", "PutParameter", { name: "/edge/dev/shop/web/release-version" }, ChangeKind.UNWATCHED],
    ["a listed hosted zone's records", someone, "route53.amazonaws.com", "ChangeResourceRecordSets", { hostedZoneId: "Z0123456789ABC" }, ChangeKind.MANUAL],
    ["another hosted zone", someone, "route53.amazonaws.com", "ChangeResourceRecordSets", { hostedZoneId: "Z9999999999XYZ" }, ChangeKind.UNWATCHED],
    ["a listed API's stage", someone, "apigateway.amazonaws.com", "UpdateStage", { restApiId: "a1b2c3d4e5", stageName: "prod" }, ChangeKind.MANUAL],
  ])("%s", (_name, role, source, eventName, req, kind) => {
    expect(classify(by(role, source, eventName, req), config).kind).toBe(kind);
  });

  test("the consequence depends on who owns the image and on the call", () => {
    const team = (eventName: string, req: object, source = "lambda.amazonaws.com") => by(someone, source, eventName, req);
    expect(consequence(team("UpdateFunctionCode20150331v2", { functionName: "dev-shop-api" }), true)).toMatch(/^Terraform ignores this function's image/);
    expect(consequence(team("UpdateFunctionCode20150331v2", { functionName: "dev-shop-render" }), false)).toMatch(
      /^Terraform will deploy the image tag the function's parameter names again/,
    );
    expect(consequence(team("PutParameter", { name: "/edge/dev/shop/render/image-tag" }, "ssm.amazonaws.com"), false)).toMatch(
      /^The next apply deploys the image tag this parameter now names/,
    );
    expect(consequence(team("DeleteFunction20150331", { functionName: "dev-shop-render" }), false)).toMatch(/^Terraform will create the function again/);
    expect(consequence(team("ChangeResourceRecordSets", { hostedZoneId: "Z0123456789ABC" }, "route53.amazonaws.com"))).toMatch(
      /does not manage this zone's records, so nothing reverts/,
    );
    expect(consequence(team("DeleteStage", { restApiId: "a1b2c3d4e5" }, "apigateway.amazonaws.com"))).toMatch(/does not manage this API, so nothing reverts/);
  });

  test("a bad appOwnedContainerFunctions entry names the field", () => {
    expect(() =>
      parseConfig(
        JSON.stringify({
          bucket: "b",
          repository: "o/r",
          tokenParameter: "/t",
          appOwnedContainerFunctions: [{ function: "f", repository: "", parameter: "p" }],
        }),
      ),
    ).toThrow('RECORDER_CONFIG field "appOwnedContainerFunctions[0].repository" must be a non-empty string');
  });
});
