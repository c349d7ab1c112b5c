import validator from "asl-validator";
import { definitionSource, renderDefinition } from "../../modules/release/release-state-machines";
import { runStateMachine, sdkError, unproducedReads, type SdkHandler } from "../../test/support/asl";

const IDS = { PrimaryDistributionId: "EPRIMARY0001", StagingDistributionId: "ESTAGING0001", PolicyId: "4f1e-policy" };
const TEST_ROUTE = { Type: "SingleHeader", SingleHeaderConfig: { Header: "aws-cf-cd-release", Value: "candidate" } };
const CANARY = { Type: "SingleWeight", SingleWeightConfig: { Weight: 0.05, SessionStickinessConfig: { IdleTTL: 600, MaximumTTL: 3600 } } };
const configure = JSON.parse(
  renderDefinition("configure", {
    ...IDS,
    ReleaseVersionParameter: "/edge/stg/shop/web/release-version",
    UnreleasedPlaceholder: "unreleased",
    TestRouteTrafficConfig: TEST_ROUTE,
  }),
);
const promote = JSON.parse(renderDefinition("promote", { PrimaryDistributionId: IDS.PrimaryDistributionId, StagingDistributionId: IDS.StagingDistributionId }));
const canary = JSON.parse(renderDefinition("canary", { PolicyId: IDS.PolicyId, CanaryTrafficConfig: CANARY }));
const rollback = JSON.parse(renderDefinition("rollback", { PolicyId: IDS.PolicyId, TestRouteTrafficConfig: TEST_ROUTE }));

describe("definitions", () => {
  test.each([
    ["configure", configure],
    ["canary", canary],
    ["promote", promote],
    ["rollback", rollback],
  ])("%s is valid ASL and reads only what earlier states produced", (_name, definition) => {
    const result = validator(definition);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
    expect(unproducedReads(definition)).toEqual([]);
  });

  test("the data-flow check reports a read nobody wrote, and one written on only one path", () => {
    const bad = {
      StartAt: "A",
      States: {
        A: { Type: "Choice", Choices: [{ Variable: "$.input.flag", StringEquals: "x", Next: "B" }], Default: "C" },
        B: { Type: "Pass", Result: 1, ResultPath: "$.b", Next: "C" },
        C: { Type: "Pass", Parameters: { "v.$": "States.Format('{}', $.b)" }, ResultPath: "$.c", End: true },
      },
    };
    expect(unproducedReads(bad)).toEqual([
      expect.stringContaining('state "A" reads $.input.flag'),
      expect.stringContaining('state "C" reads $.b, which no earlier state writes on every path to it'),
    ]);
  });

  test("every placeholder gets a value and every value is used", () => {
    expect(definitionSource("configure")).toContain("${StagingDistributionId}");
    expect(JSON.stringify(configure)).not.toMatch(/\$\{/);
    expect(() => renderDefinition("promote", { PrimaryDistributionId: "E1" })).toThrow(
      "functions/state-machines/promote.asl.json: no value for placeholder ${StagingDistributionId}; known: PrimaryDistributionId",
    );
    expect(() => renderDefinition("promote", { ...IDS })).toThrow("functions/state-machines/promote.asl.json: placeholders ${PolicyId} are not used");
  });

  test("a JSON placeholder becomes the value itself", () => {
    const closing = configure.States.CloseStagingToViewers.Branches[0].States.ClosingPolicyChange;
    expect(closing.Result).toEqual({ Enabled: false, TrafficConfig: TEST_ROUTE });
    expect(canary.States.StartCanary.Branches[0].States.CanaryPolicyChange.Result).toEqual({ Enabled: true, TrafficConfig: CANARY });
  });

  test("CloudFront calls go through the AWS SDK integration and retry PreconditionFailed around a fresh read", () => {
    const text = JSON.stringify([configure, canary, promote, rollback]);
    const resources = [...text.matchAll(/"Resource":"([^"]+)"/g)].map((m) => m[1]);
    expect(resources.every((r) => r.startsWith("arn:aws:states:::aws-sdk:"))).toBe(true);
    for (const name of ["CloseStagingToViewers", "PointStagingAtRelease", "AttachPolicy", "OpenTestRoute"]) {
      expect(configure.States[name]).toMatchObject({ Type: "Parallel", Retry: [{ ErrorEquals: ["CloudFront.PreconditionFailedException"] }] });
    }
    expect(promote.States.PromoteStaging).toMatchObject({ Type: "Parallel", Retry: [{ ErrorEquals: ["CloudFront.PreconditionFailedException"] }] });
    expect(canary.States.StartCanary).toMatchObject({ Type: "Parallel", Retry: [{ ErrorEquals: ["CloudFront.PreconditionFailedException"] }] });
    expect(rollback.States.DisablePolicy).toMatchObject({ Type: "Parallel", Retry: [{ ErrorEquals: ["CloudFront.PreconditionFailedException"] }] });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A fake CloudFront and SSM that answer the SDK integration calls.

interface Fake {
  handler: SdkHandler;
  /** Statuses each GetDistribution returns, per distribution, in order; the last one repeats. */
  statuses: Record<string, string[]>;
  etags: Record<string, number>;
  configs: Record<string, any>;
  policy: { etag: number; config: any };
  /** Errors to throw once per call of an action, in order. */
  failures: Record<string, string[]>;
  invalidationStatuses: string[];
  /** Every invalidation created, in order. */
  invalidations: { distributionId: string; callerReference: string; paths: string[] }[];
  /** Every policy configuration written, in order. */
  policyHistory: any[];
}

function fake(release = "3f9c2ab"): Fake {
  const origin = { Id: "s3-origin", DomainName: "site.s3.ap-northeast-1.amazonaws.com", OriginPath: "", OriginAccessControlId: "OAC1" };
  const config = (comment: string, extra: object = {}) => ({
    Comment: comment,
    Enabled: true,
    Origins: { Quantity: 1, Items: [origin] },
    DefaultRootObject: "index.html",
    ...extra,
  });
  const f: Fake = {
    statuses: { [IDS.PrimaryDistributionId]: ["Deployed"], [IDS.StagingDistributionId]: ["Deployed"] },
    etags: { [IDS.PrimaryDistributionId]: 1, [IDS.StagingDistributionId]: 1 },
    configs: {
      [IDS.PrimaryDistributionId]: config("shop", { ContinuousDeploymentPolicyId: "" }),
      [IDS.StagingDistributionId]: config("shop", { Staging: true }),
    },
    policy: { etag: 1, config: { Enabled: false, StagingDistributionDnsNames: { Quantity: 1, Items: ["d1.cloudfront.net"] }, TrafficConfig: TEST_ROUTE } },
    failures: {},
    invalidationStatuses: ["InProgress", "Completed"],
    invalidations: [],
    policyHistory: [],
    handler: (action, p) => {
      const failure = f.failures[action]?.shift();
      if (failure) throw sdkError(failure);
      const etag = (id: string) => `${id === IDS.PrimaryDistributionId ? "EP" : "ES"}${f.etags[id]}`;
      const expectEtag = (id: string, given: string) => {
        if (given !== etag(id)) throw sdkError("CloudFront.PreconditionFailedException", `stale ETag ${given} for ${id}`);
      };
      switch (action) {
        case "ssm:getParameter":
          return { Parameter: { Name: p.Name, Value: release } };
        case "cloudfront:getDistributionConfig":
          return { ETag: etag(p.Id), DistributionConfig: f.configs[p.Id] };
        case "cloudfront:getDistribution": {
          const statuses = f.statuses[p.Id];
          const status = statuses.length > 1 ? statuses.shift()! : statuses[0];
          return { ETag: etag(p.Id), Distribution: { Id: p.Id, Status: status, DistributionConfig: f.configs[p.Id] } };
        }
        case "cloudfront:updateDistribution":
          expectEtag(p.Id, p.IfMatch);
          f.configs[p.Id] = p.DistributionConfig;
          f.etags[p.Id]++;
          return { ETag: etag(p.Id) };
        case "cloudfront:getContinuousDeploymentPolicy":
          return { ETag: `EC${f.policy.etag}`, ContinuousDeploymentPolicy: { Id: p.Id, ContinuousDeploymentPolicyConfig: f.policy.config } };
        case "cloudfront:updateContinuousDeploymentPolicy":
          if (p.IfMatch !== `EC${f.policy.etag}`) throw sdkError("CloudFront.PreconditionFailedException");
          f.policy = { etag: f.policy.etag + 1, config: p.ContinuousDeploymentPolicyConfig };
          f.policyHistory.push(p.ContinuousDeploymentPolicyConfig);
          return {};
        case "cloudfront:updateDistributionWithStagingConfig": {
          const [primaryEtag, stagingEtag] = String(p.IfMatch).split(", ");
          expectEtag(p.Id, primaryEtag);
          expectEtag(p.StagingDistributionId, stagingEtag);
          const policyId = f.configs[p.Id].ContinuousDeploymentPolicyId;
          const { Staging: _staging, ...copied } = f.configs[p.StagingDistributionId];
          f.configs[p.Id] = { ...copied, ContinuousDeploymentPolicyId: policyId };
          f.etags[p.Id]++;
          f.policy.config = { ...f.policy.config, Enabled: false };
          return {};
        }
        case "cloudfront:createInvalidation":
          f.invalidations.push({
            distributionId: p.DistributionId,
            callerReference: p.InvalidationBatch.CallerReference,
            paths: p.InvalidationBatch.Paths.Items,
          });
          return { Invalidation: { Id: `I${f.invalidations.length}`, Status: "InProgress", InvalidationBatch: p.InvalidationBatch } };
        case "cloudfront:getInvalidation": {
          const statuses = f.invalidationStatuses;
          return { Invalidation: { Id: p.Id, Status: statuses.length > 1 ? statuses.shift() : statuses[0] } };
        }
        default:
          throw new Error(`unexpected call ${action}`);
      }
    },
  };
  return f;
}

const actions = (calls: { action: string }[]) => calls.map((c) => c.action.replace("cloudfront:", ""));

describe("Configure", () => {
  test("first release: staging closed, repointed, deployed and invalidated; then the policy is attached and only the header test route opens", () => {
    const f = fake();
    f.statuses[IDS.StagingDistributionId] = ["InProgress", "InProgress", "Deployed"];
    const run = runStateMachine(configure, f.handler);
    expect(run.status).toBe("SUCCEEDED");
    expect(f.configs[IDS.StagingDistributionId].Origins.Items).toEqual([
      { Id: "s3-origin", DomainName: "site.s3.ap-northeast-1.amazonaws.com", OriginPath: "/3f9c2ab", OriginAccessControlId: "OAC1" },
    ]);
    expect(f.configs[IDS.StagingDistributionId]).toMatchObject({ Comment: "shop", Staging: true, DefaultRootObject: "index.html" });
    expect(f.configs[IDS.PrimaryDistributionId]).toMatchObject({ ContinuousDeploymentPolicyId: IDS.PolicyId, Origins: { Items: [{ OriginPath: "" }] } });
    expect(f.policy.config).toEqual({ Enabled: true, StagingDistributionDnsNames: { Quantity: 1, Items: ["d1.cloudfront.net"] }, TrafficConfig: TEST_ROUTE });
    // The order that keeps stale and unapproved content from viewers.
    expect(actions(run.calls)).toEqual([
      "ssm:getParameter",
      "getContinuousDeploymentPolicy",
      "updateContinuousDeploymentPolicy", // closed: disabled, test route
      "getDistributionConfig",
      "updateDistribution", // staging repointed
      "getDistribution",
      "getDistribution",
      "getDistribution", // until staging is Deployed
      "createInvalidation",
      "getInvalidation",
      "getInvalidation", // staging invalidated, and waited for
      "getDistributionConfig",
      "updateDistribution", // policy attached to the primary
      "getContinuousDeploymentPolicy",
      "updateContinuousDeploymentPolicy", // header test route opened
    ]);
    expect(f.invalidations).toEqual([{ distributionId: IDS.StagingDistributionId, callerReference: expect.stringMatching(/^[0-9a-f-]{36}$/), paths: ["/*"] }]);
    expect(run.waitedSeconds).toBe(60 + 20); // two staging polls, one invalidation poll
  });

  test("no viewer outside the test route ever reaches the release: a canary left enabled by an unfinished release is closed first", () => {
    const f = fake();
    f.configs[IDS.PrimaryDistributionId].ContinuousDeploymentPolicyId = IDS.PolicyId;
    f.policy.config = { ...f.policy.config, Enabled: true, TrafficConfig: CANARY };
    const run = runStateMachine(configure, f.handler);
    expect(run.status).toBe("SUCCEEDED");
    expect(f.policyHistory.map((c) => [c.Enabled, c.TrafficConfig.Type])).toEqual([
      [false, "SingleHeader"],
      [true, "SingleHeader"],
    ]);
    const firstStagingWrite = run.calls.findIndex((c) => c.action === "cloudfront:updateDistribution");
    const firstPolicyWrite = run.calls.findIndex((c) => c.action === "cloudfront:updateContinuousDeploymentPolicy");
    expect(firstPolicyWrite).toBeLessThan(firstStagingWrite);
  });

  test("each release invalidates staging with a new caller reference; a retry after TooManyInvalidationsInProgress keeps it", () => {
    const refs = [0, 1].map(() => {
      const f = fake();
      f.failures["cloudfront:createInvalidation"] = ["CloudFront.TooManyInvalidationsInProgressException"];
      const run = runStateMachine(configure, f.handler);
      expect(run.status).toBe("SUCCEEDED");
      const sent = run.calls.filter((c) => c.action === "cloudfront:createInvalidation").map((c) => c.parameters);
      expect(sent).toHaveLength(2);
      expect(sent.every((p) => p.DistributionId === IDS.StagingDistributionId)).toBe(true);
      expect(sent[0].InvalidationBatch.CallerReference).toBe(sent[1].InvalidationBatch.CallerReference);
      return sent[0].InvalidationBatch.CallerReference;
    });
    expect(refs[0]).not.toBe(refs[1]);
  });

  test("an invalidation that never completes fails the execution at its timeout, before the test route opens", () => {
    const f = fake();
    f.invalidationStatuses = ["InProgress"];
    const run = runStateMachine(configure, f.handler);
    expect(run).toMatchObject({ status: "FAILED", error: "States.Timeout" });
    expect(f.policy.config.Enabled).toBe(false);
  });

  test("a second origin (a replication source's folder served outside the release) is kept; only the release origin moves", () => {
    const f = fake();
    const unversioned = { Id: "s3-unversioned", DomainName: "site.s3.ap-northeast-1.amazonaws.com", OriginPath: "", OriginAccessControlId: "OAC1" };
    const staging = f.configs[IDS.StagingDistributionId];
    staging.Origins = { Quantity: 2, Items: [staging.Origins.Items[0], unversioned] };
    expect(runStateMachine(configure, f.handler).status).toBe("SUCCEEDED");
    expect(f.configs[IDS.StagingDistributionId].Origins).toEqual({
      Quantity: 2,
      Items: [expect.objectContaining({ Id: "s3-origin", OriginPath: "/3f9c2ab" }), unversioned],
    });
  });

  test("later releases leave the attached primary alone", () => {
    const f = fake();
    f.configs[IDS.PrimaryDistributionId].ContinuousDeploymentPolicyId = IDS.PolicyId;
    const run = runStateMachine(configure, f.handler);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.calls.filter((c) => c.action === "cloudfront:updateDistribution").map((c) => c.parameters.Id)).toEqual([IDS.StagingDistributionId]);
  });

  test("an ETag conflict re-reads the configuration and writes with the fresh ETag", () => {
    const f = fake();
    // Someone else updates staging between our read and our write, once.
    let raced = false;
    const handler: SdkHandler = (action, p) => {
      if (action === "cloudfront:updateDistribution" && p.Id === IDS.StagingDistributionId && !raced) {
        raced = true;
        f.etags[IDS.StagingDistributionId]++;
      }
      return f.handler(action, p);
    };
    const run = runStateMachine(configure, handler);
    expect(run.status).toBe("SUCCEEDED");
    const stagingCalls = run.calls.filter((c) => c.parameters.Id === IDS.StagingDistributionId && c.action !== "cloudfront:getDistribution");
    expect(stagingCalls.map((c) => [c.action.replace("cloudfront:", ""), c.parameters.IfMatch])).toEqual([
      ["getDistributionConfig", undefined],
      ["updateDistribution", "ES1"],
      ["getDistributionConfig", undefined],
      ["updateDistribution", "ES2"],
    ]);
    expect(f.configs[IDS.StagingDistributionId].Origins.Items[0].OriginPath).toBe("/3f9c2ab");
  });

  test("before the first release it stops without touching CloudFront", () => {
    const run = runStateMachine(configure, fake("unreleased").handler);
    expect(run).toMatchObject({ status: "FAILED", error: "NoReleaseVersion" });
    expect(run.calls.map((c) => c.action)).toEqual(["ssm:getParameter"]);
  });

  test("staging that never finishes deploying fails the execution at its timeout", () => {
    const f = fake();
    f.statuses[IDS.StagingDistributionId] = ["InProgress"];
    expect(runStateMachine(configure, f.handler)).toMatchObject({ status: "FAILED", error: "States.Timeout" });
  });
});

describe("Promote", () => {
  test("waits until both distributions are deployed, promotes with both ETags, waits, invalidates everything", () => {
    const f = fake();
    f.configs[IDS.StagingDistributionId].Origins.Items[0].OriginPath = "/3f9c2ab";
    f.configs[IDS.PrimaryDistributionId].ContinuousDeploymentPolicyId = IDS.PolicyId;
    f.policy.config.Enabled = true;
    f.statuses[IDS.StagingDistributionId] = ["InProgress", "Deployed"];
    f.statuses[IDS.PrimaryDistributionId] = ["Deployed", "Deployed", "InProgress", "Deployed"];
    const run = runStateMachine(promote, f.handler);
    expect(run.status).toBe("SUCCEEDED");
    expect(actions(run.calls)).toEqual([
      "getDistribution",
      "getDistribution", // staging still deploying
      "getDistribution",
      "getDistribution",
      "updateDistributionWithStagingConfig",
      "getDistribution",
      "getDistribution", // primary deploying the promoted configuration
      "createInvalidation",
      "getInvalidation",
      "getInvalidation",
    ]);
    expect(run.calls[4].parameters).toEqual({ Id: IDS.PrimaryDistributionId, StagingDistributionId: IDS.StagingDistributionId, IfMatch: "EP1, ES1" });
    expect(run.calls[7].parameters).toEqual({
      DistributionId: IDS.PrimaryDistributionId,
      InvalidationBatch: { CallerReference: expect.stringMatching(/^[0-9a-f-]{36}$/), Paths: { Quantity: 1, Items: ["/*"] } },
    });
    expect(f.configs[IDS.PrimaryDistributionId]).toMatchObject({
      ContinuousDeploymentPolicyId: IDS.PolicyId,
      Origins: { Items: [{ OriginPath: "/3f9c2ab" }] },
    });
    expect(f.policy.config.Enabled).toBe(false);
  });

  test("an ETag conflict reads both ETags again; a conflict that persists fails after five retries", () => {
    const f = fake();
    f.failures["cloudfront:updateDistributionWithStagingConfig"] = ["CloudFront.PreconditionFailedException"];
    const once = runStateMachine(promote, f.handler);
    expect(once.status).toBe("SUCCEEDED");
    expect(actions(once.calls).slice(0, 6)).toEqual([
      "getDistribution",
      "getDistribution",
      "updateDistributionWithStagingConfig",
      "getDistribution",
      "getDistribution",
      "updateDistributionWithStagingConfig",
    ]);

    const g = fake();
    g.failures["cloudfront:updateDistributionWithStagingConfig"] = Array(6).fill("CloudFront.PreconditionFailedException");
    const always = runStateMachine(promote, g.handler);
    expect(always).toMatchObject({ status: "FAILED", error: "CloudFront.PreconditionFailedException" });
    expect(actions(always.calls).filter((a) => a === "updateDistributionWithStagingConfig")).toHaveLength(6);
  });

  test("each release invalidates with a new caller reference, and a retried invalidation keeps it", () => {
    const refs = [0, 1].map(() => {
      const f = fake();
      f.failures["cloudfront:createInvalidation"] = ["CloudFront.TooManyInvalidationsInProgressException"];
      const run = runStateMachine(promote, f.handler);
      const invalidations = run.calls.filter((c) => c.action === "cloudfront:createInvalidation").map((c) => c.parameters.InvalidationBatch.CallerReference);
      expect(invalidations).toHaveLength(2);
      expect(invalidations[0]).toBe(invalidations[1]);
      return invalidations[0];
    });
    expect(refs[0]).not.toBe(refs[1]);
  });

  test("a distribution that never finishes deploying fails the execution at its timeout, before promoting", () => {
    const f = fake();
    f.statuses[IDS.PrimaryDistributionId] = ["InProgress"];
    const run = runStateMachine(promote, f.handler);
    expect(run).toMatchObject({ status: "FAILED", error: "States.Timeout" });
    expect(actions(run.calls)).not.toContain("updateDistributionWithStagingConfig");
  });
});

describe("Canary", () => {
  test("after Configure (test route open) it switches the policy to the weight, keeping the staging domain", () => {
    const f = fake();
    f.policy.config = { ...f.policy.config, Enabled: true };
    const run = runStateMachine(canary, f.handler);
    expect(run.status).toBe("SUCCEEDED");
    expect(f.policy.config).toEqual({ Enabled: true, StagingDistributionDnsNames: { Quantity: 1, Items: ["d1.cloudfront.net"] }, TrafficConfig: CANARY });
  });

  test("refuses without a configured release (policy disabled) and changes nothing", () => {
    const f = fake();
    const run = runStateMachine(canary, f.handler);
    expect(run).toMatchObject({ status: "FAILED", error: "NotConfigured" });
    expect(f.policyHistory).toEqual([]);
  });
});

describe("Rollback", () => {
  test("a running canary is disabled and reset to the test route", () => {
    const f = fake();
    f.policy.config = { ...f.policy.config, Enabled: true, TrafficConfig: CANARY };
    const run = runStateMachine(rollback, f.handler);
    expect(run.status).toBe("SUCCEEDED");
    expect(f.policy.config).toMatchObject({
      Enabled: false,
      TrafficConfig: TEST_ROUTE,
      StagingDistributionDnsNames: { Quantity: 1, Items: ["d1.cloudfront.net"] },
    });
  });

  test("an already disabled policy is left alone (rollback may run after a promotion or twice)", () => {
    const f = fake();
    const run = runStateMachine(rollback, f.handler);
    expect(run.status).toBe("SUCCEEDED");
    expect(actions(run.calls)).toEqual(["getContinuousDeploymentPolicy"]);
  });

  test("an ETag conflict re-reads the policy", () => {
    const f = fake();
    f.policy.config = { ...f.policy.config, Enabled: true };
    f.failures["cloudfront:updateContinuousDeploymentPolicy"] = ["CloudFront.PreconditionFailedException"];
    const run = runStateMachine(rollback, f.handler);
    expect(run.status).toBe("SUCCEEDED");
    expect(actions(run.calls)).toEqual([
      "getContinuousDeploymentPolicy",
      "updateContinuousDeploymentPolicy",
      "getContinuousDeploymentPolicy",
      "updateContinuousDeploymentPolicy",
    ]);
    expect(f.policy.config.Enabled).toBe(false);
  });
});
