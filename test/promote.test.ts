import { mockClient } from "aws-sdk-client-mock";
import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetContinuousDeploymentPolicyCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  UpdateContinuousDeploymentPolicyCommand,
  UpdateDistributionCommand,
  GetInvalidationCommand,
  PreconditionFailed,
  UpdateDistributionWithStagingConfigCommand,
} from "@aws-sdk/client-cloudfront";
import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { releaseParameterNames } from "../model/names";
import { credentialProblem, detachPolicy, promoteRelease, type PromoteOptions } from "../scripts/promote";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadEnvironments } from "../config/load";

const parameters = releaseParameterNames("stg", "shop", "web");
const cloudfront = mockClient(CloudFrontClient);
const ssm = mockClient(SSMClient);

function distribution(id: string, etag: string, status: string, extra: { originPath?: string; policyId?: string } = {}) {
  return {
    ETag: etag,
    Distribution: {
      Id: id,
      Status: status,
      DistributionConfig: {
        Origins: { Quantity: 1, Items: [{ Id: "s3-origin", DomainName: "b", OriginPath: extra.originPath ?? "" }] },
        ContinuousDeploymentPolicyId: extra.policyId,
      },
    },
  } as any;
}
const primary = (etag: string, status = "Deployed") => distribution("EPRIMARY", etag, status, { originPath: "/v1", policyId: "policy-1" });
const staging = (etag: string, status = "Deployed") => distribution("ESTAGING", etag, status, { originPath: "/v2" });

let lines: string[];
// Waiter timing shrunk to milliseconds: the behaviour under test is the sequence of calls, not the timing.
const run = (extra: Partial<PromoteOptions> = {}) =>
  promoteRelease({
    cloudfront: new CloudFrontClient({ region: "us-east-1" }),
    ssm: new SSMClient({ region: "ap-northeast-1" }),
    parameters,
    maxWaitSeconds: 2,
    minDelaySeconds: 0.001,
    maxDelaySeconds: 0.002,
    log: (l) => lines.push(l),
    ...extra,
  });

beforeEach(() => {
  lines = [];
  cloudfront.reset();
  ssm.reset();
  ssm.on(GetParametersCommand).resolves({
    Parameters: [
      { Name: parameters.primaryDistributionId, Value: "EPRIMARY" },
      { Name: parameters.stagingDistributionId, Value: "ESTAGING" },
    ],
  });
  cloudfront.on(GetDistributionCommand, { Id: "EPRIMARY" }).resolves(primary("EP1"));
  cloudfront.on(GetDistributionCommand, { Id: "ESTAGING" }).resolves(staging("ES1"));
  cloudfront.on(UpdateDistributionWithStagingConfigCommand).resolves({});
  cloudfront
    .on(CreateInvalidationCommand)
    .resolves({ Invalidation: { Id: "I123", Status: "InProgress", CreateTime: new Date(), InvalidationBatch: undefined as any } });
  cloudfront
    .on(GetInvalidationCommand)
    .resolves({ Invalidation: { Id: "I123", Status: "Completed", CreateTime: new Date(), InvalidationBatch: undefined as any } });
});

test("promotes with both ETags, then invalidates /* with a fresh caller reference and waits for it", async () => {
  await expect(run()).resolves.toBe("I123");
  expect(cloudfront.commandCalls(UpdateDistributionWithStagingConfigCommand).map((c) => c.args[0].input)).toEqual([
    { Id: "EPRIMARY", StagingDistributionId: "ESTAGING", IfMatch: "EP1, ES1" },
  ]);
  const batch = cloudfront.commandCalls(CreateInvalidationCommand)[0].args[0].input;
  expect(batch).toEqual({
    DistributionId: "EPRIMARY",
    InvalidationBatch: { CallerReference: expect.stringMatching(/^[0-9a-f-]{36}$/), Paths: { Quantity: 1, Items: ["/*"] } },
  });
  await run();
  const refs = cloudfront.commandCalls(CreateInvalidationCommand).map((c) => c.args[0].input.InvalidationBatch!.CallerReference);
  expect(refs[0]).not.toBe(refs[1]);
  expect(cloudfront.commandCalls(GetInvalidationCommand)[0].args[0].input).toEqual({ DistributionId: "EPRIMARY", Id: "I123" });
  expect(lines.at(-1)).toBe('promoted: primary EPRIMARY now serves origin path "/v2"');
});

test("waits while a distribution is still deploying, saying so, and promotes once both are Deployed", async () => {
  cloudfront
    .on(GetDistributionCommand, { Id: "ESTAGING" })
    .resolvesOnce(staging("ES1", "InProgress")) // first read
    .resolvesOnce(staging("ES1", "InProgress")) // waiter, first poll
    .resolvesOnce(staging("ES1", "InProgress")) // waiter, second poll
    .resolves(staging("ES2"));
  await run();
  expect(lines).toContain("waiting for staging ESTAGING to be Deployed (up to 2 s)...");
  expect(cloudfront.commandCalls(UpdateDistributionWithStagingConfigCommand)[0].args[0].input.IfMatch).toBe("EP1, ES2");
});

test("an ETag conflict reads both distributions again and retries with the new ETags", async () => {
  cloudfront
    .on(UpdateDistributionWithStagingConfigCommand)
    .rejectsOnce(new PreconditionFailed({ message: "The If-Match version is missing or not valid", $metadata: {} }))
    .resolves({});
  cloudfront.on(GetDistributionCommand, { Id: "EPRIMARY" }).resolvesOnce(primary("EP1")).resolvesOnce(primary("EP1")).resolves(primary("EP2"));
  await run();
  expect(cloudfront.commandCalls(UpdateDistributionWithStagingConfigCommand).map((c) => c.args[0].input.IfMatch)).toEqual(["EP1, ES1", "EP2, ES1"]);
  expect(lines).toContain("ETag conflict (a distribution changed since it was read); reading both again (attempt 2 of 3)");
});

test("a conflict that persists stops with a clear message and nothing invalidated", async () => {
  cloudfront
    .on(UpdateDistributionWithStagingConfigCommand)
    .rejects(new PreconditionFailed({ message: "The If-Match version is missing or not valid", $metadata: {} }));
  await expect(run()).rejects.toThrow(
    "ETag conflict: primary EPRIMARY or staging ESTAGING changed between reading and promoting, 3 times; nothing was promoted. Someone else is updating them",
  );
  expect(cloudfront.commandCalls(UpdateDistributionWithStagingConfigCommand)).toHaveLength(3);
  expect(cloudfront.commandCalls(CreateInvalidationCommand)).toHaveLength(0);
});

test("a distribution that stays InProgress times out before anything is promoted", async () => {
  cloudfront.on(GetDistributionCommand, { Id: "EPRIMARY" }).resolves(primary("EP1", "InProgress"));
  await expect(run({ maxWaitSeconds: 0.05 })).rejects.toThrow(
    "timed out after 0 s waiting for primary EPRIMARY to be Deployed; nothing was promoted. Run again later, or raise --timeout-minutes",
  );
  expect(cloudfront.commandCalls(UpdateDistributionWithStagingConfigCommand)).toHaveLength(0);
});

test("a dry run reports the plan and changes nothing", async () => {
  await expect(run({ dryRun: true })).resolves.toBeUndefined();
  expect(lines).toEqual([
    'primary EPRIMARY: Deployed, origin path "/v1"',
    'staging ESTAGING: Deployed, origin path "/v2"',
    'dry run: would wait until both are Deployed, promote staging onto the primary (If-Match "EP1, ES1"), wait for the primary, then invalidate /*',
  ]);
  expect(cloudfront.commandCalls(UpdateDistributionWithStagingConfigCommand)).toHaveLength(0);
  expect(cloudfront.commandCalls(CreateInvalidationCommand)).toHaveLength(0);
});

test("no attached policy means Configure has not run: refused", async () => {
  cloudfront.on(GetDistributionCommand, { Id: "EPRIMARY" }).resolves(distribution("EPRIMARY", "EP1", "Deployed"));
  await expect(run()).rejects.toThrow("primary EPRIMARY has no continuous deployment policy attached: run Configure for a release first");
});

test("missing parameters point at the deploy", async () => {
  ssm.on(GetParametersCommand).resolves({ Parameters: [], InvalidParameters: [parameters.primaryDistributionId, parameters.stagingDistributionId] });
  await expect(run()).rejects.toThrow(
    "SSM parameters not found: /edge/stg/shop/web/primary-distribution-id, /edge/stg/shop/web/staging-distribution-id. Has the stack been deployed with continuousDeployment enabled for this site?",
  );
});

describe("credential failures are one line naming the account and profile needed", () => {
  test.each([
    [
      Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }),
      undefined,
      "npm run promote needs credentials for account 234567890123 (environment stg): the default credentials (no AWS_PROFILE set) gave none (Could not load credentials from any providers). Set AWS_PROFILE to a profile for that account and log in (aws sso login --profile <profile>), or export its credentials",
    ],
    [
      Object.assign(new Error("The security token included in the request is expired"), { name: "ExpiredTokenException" }),
      "stg-admin",
      'npm run promote needs credentials for account 234567890123 (environment stg): the credentials of the profile "stg-admin" (AWS_PROFILE) have expired; log in again (aws sso login --profile stg-admin) and rerun',
    ],
    [
      Object.assign(new Error("The security token included in the request is invalid."), { name: "UnrecognizedClientException" }),
      "stg-admin",
      'npm run promote needs credentials for account 234567890123 (environment stg): AWS does not accept the credentials of the profile "stg-admin" (AWS_PROFILE) (UnrecognizedClientException); check the profile, or export fresh credentials',
    ],
  ])("%s", (err, profile, message) => {
    expect(credentialProblem(err, "stg", "234567890123", profile)).toBe(message);
  });

  test("anything else is not mistaken for a credential problem", () => {
    expect(credentialProblem(new Error("socket hang up"), "stg", "234567890123", undefined)).toBeUndefined();
  });

  test("the command without any credentials prints one line and exits 1", () => {
    const stg = loadEnvironments().find((e) => e.sites.some((s) => s.continuousDeployment))!;
    const site = stg.sites.find((s) => s.continuousDeployment)!;
    const empty = mkdtempSync(path.join(os.tmpdir(), "no-aws-"));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: empty,
      AWS_CONFIG_FILE: path.join(empty, "config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(empty, "credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    const r = spawnSync(
      process.execPath,
      [require.resolve("tsx/cli"), path.join(__dirname, "..", "scripts", "promote.ts"), "--env", stg.name, "--site", site.name],
      { encoding: "utf8", env, timeout: 60_000 },
    );
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        new RegExp(
          `^promote: npm run promote needs credentials for account ${stg.accountId} \\(environment ${stg.name}\\): the default credentials \\(no AWS_PROFILE set\\) gave none`,
        ),
      ),
    ]);
  });
});

describe("--detach", () => {
  /**
   * The primary as CloudFront keeps it. UpdateDistribution follows what the public reports describe
   * (aws-sdk-js-v3 #7417, terraform-provider-aws #34511): an omitted ContinuousDeploymentPolicyId keeps the policy
   * attached, an empty string detaches it.
   */
  function cloudFrontPrimary(opts: { emptyStringIgnored?: boolean } = {}) {
    const state = {
      etag: 1,
      config: { Comment: "shop", Origins: { Quantity: 1, Items: [] }, ContinuousDeploymentPolicyId: "policy-1" } as any,
      policyEnabled: true,
    };
    cloudfront.on(GetDistributionConfigCommand).callsFake(async () => ({ ETag: `EP${state.etag}`, DistributionConfig: structuredClone(state.config) }));
    cloudfront.on(UpdateDistributionCommand).callsFake(async (input: any) => {
      if (input.IfMatch !== `EP${state.etag}`) throw new PreconditionFailed({ message: "stale", $metadata: {} });
      const sent = input.DistributionConfig.ContinuousDeploymentPolicyId;
      const keep = sent === undefined || (opts.emptyStringIgnored && sent === "");
      state.config = { ...input.DistributionConfig, ContinuousDeploymentPolicyId: keep ? state.config.ContinuousDeploymentPolicyId : sent };
      state.etag++;
      return { ETag: `EP${state.etag}` };
    });
    cloudfront.on(GetContinuousDeploymentPolicyCommand).callsFake(async () => ({
      ETag: "EC1",
      ContinuousDeploymentPolicy: {
        Id: "policy-1",
        LastModifiedTime: new Date(),
        ContinuousDeploymentPolicyConfig: { Enabled: state.policyEnabled, StagingDistributionDnsNames: { Quantity: 1, Items: ["d1.cloudfront.net"] } },
      },
    }));
    cloudfront.on(UpdateContinuousDeploymentPolicyCommand).callsFake(async (input: any) => {
      state.policyEnabled = input.ContinuousDeploymentPolicyConfig.Enabled;
      return {};
    });
    return state;
  }
  const detach = (dryRun = false) =>
    detachPolicy({
      cloudfront: new CloudFrontClient({ region: "us-east-1" }),
      ssm: new SSMClient({ region: "ap-northeast-1" }),
      parameters,
      dryRun,
      log: (l) => lines.push(l),
    });

  test('disables the policy, sends ContinuousDeploymentPolicyId "" (omitting it would keep the policy) and checks the result', async () => {
    const state = cloudFrontPrimary();
    await expect(detach()).resolves.toBe(true);
    expect(state.policyEnabled).toBe(false);
    expect(state.config.ContinuousDeploymentPolicyId).toBe("");
    expect(state.config.Comment).toBe("shop"); // the rest of the configuration is sent back unchanged
    const update = cloudfront.commandCalls(UpdateDistributionCommand)[0].args[0].input;
    expect(update).toMatchObject({ Id: "EPRIMARY", IfMatch: "EP1", DistributionConfig: { ContinuousDeploymentPolicyId: "" } });
    expect(lines.at(-1)).toContain("detached: primary EPRIMARY has no continuous deployment policy");
  });

  test("a primary that still names the policy afterwards is reported, not claimed detached", async () => {
    cloudFrontPrimary({ emptyStringIgnored: true });
    await expect(detach()).rejects.toThrow("primary EPRIMARY still names policy policy-1 after the update; nothing else was changed");
  });

  test("nothing attached: nothing changes; dry run: says what it would send", async () => {
    const state = cloudFrontPrimary();
    await expect(detach(true)).resolves.toBe(true);
    expect(cloudfront.commandCalls(UpdateDistributionCommand)).toHaveLength(0);
    expect(lines.at(-1)).toBe('dry run: would disable policy policy-1, then update primary EPRIMARY (If-Match "EP1") with ContinuousDeploymentPolicyId ""');
    state.config.ContinuousDeploymentPolicyId = "";
    await expect(detach()).resolves.toBe(false);
    expect(cloudfront.commandCalls(UpdateDistributionCommand)).toHaveLength(0);
  });
});
