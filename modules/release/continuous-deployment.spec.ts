import { Testing, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { releaseParameterNames } from "../../model/names";
import type { PipelineConfig, TrafficConfig } from "../../model/resolved";

type ContinuousDeploymentConfig = { traffic: TrafficConfig; pipeline?: PipelineConfig };
import { ContinuousDeployment, PROMOTION_OWNED_ATTRIBUTES } from "./continuous-deployment";
import { FunctionEventType, StaticSite, type StaticSiteProps } from "../cloudfront/static-site";

const siteProps: StaticSiteProps = {
  envName: "stg",
  accountId: "234567890123",
  sid: "shop",
  siteName: "web",
  bucketName: "stg-shop-web-234567890123",
  aliases: ["www.example.com"],
  certificateArn: "arn:aws:acm:us-east-1:234567890123:certificate/0d3f8a1e-5b7c-4e2a-9c61-2f4b8e7a9d10",
  priceClass: "PriceClass_200",
  defaultRootObject: "index.html",
  defaultBehavior: { cachePolicy: "CachingOptimized", compress: true },
  behaviors: [{ pathPattern: "/api/*", cachePolicy: "CachingDisabled", compress: true }],
  functionAssociations: [
    { behavior: "default", eventType: FunctionEventType.VIEWER_REQUEST, function: { arn: "arn:aws:cloudfront::234567890123:function/stg-shop-rewrite" } },
    { behavior: "/api/*", eventType: FunctionEventType.VIEWER_RESPONSE, function: { arn: "arn:aws:cloudfront::234567890123:function/stg-shop-headers" } },
  ],
  distributionIgnoreChanges: PROMOTION_OWNED_ATTRIBUTES,
};

const header: ContinuousDeploymentConfig = { traffic: { type: "header", header: "aws-cf-cd-release", value: "candidate" } };
const weight: ContinuousDeploymentConfig = {
  traffic: {
    type: "weight",
    weight: 0.05,
    sessionStickiness: { idleTtlSeconds: 600, maximumTtlSeconds: 3600 },
    testRoute: { header: "aws-cf-cd-preview", value: "v2" },
  },
};
const codestar: ContinuousDeploymentConfig = {
  ...header,
  pipeline: {
    source: {
      type: "codestar",
      connectionArn: "arn:aws:codestar-connections:ap-northeast-1:234567890123:connection/6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
      repository: "example-org/shop-web",
      branch: "main",
    },
    buildspec: "buildspec.yml",
    buildImage: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
    approvalTopicArn: "arn:aws:sns:ap-northeast-1:234567890123:approvals",
  },
};

function synth(config: ContinuousDeploymentConfig, site: Partial<StaticSiteProps> = {}) {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  const staticSite = new StaticSite(stack, "site", { ...siteProps, ...site });
  new ContinuousDeployment(stack, "cd", {
    envName: "stg",
    accountId: "234567890123",
    region: "ap-northeast-1",
    sid: "shop",
    site: staticSite,
    siteName: "web",
    config: { ...config, parameterNames: releaseParameterNames("stg", "shop", "web"), logRetentionDays: 30 },
  });
  return JSON.parse(Testing.synth(stack));
}

const byPrefix = (json: any, type: string, prefix: string) => {
  const found = Object.entries<any>(json.resource[type] ?? {}).filter(([k]) => k.startsWith(prefix));
  if (found.length !== 1) throw new Error(`${found.length} ${type} starting with ${prefix}`);
  return found[0][1];
};
/** A role's statements about the site; a state machine role's log delivery and tracing (no resource type) are checked on their own. */
const rolePolicy = (json: any, prefix: string) =>
  JSON.parse(byPrefix(json, "aws_iam_role_policy", prefix).policy).Statement.filter((s: any) => !["ExecutionLogs", "Tracing"].includes(s.Sid));

test("each state machine logs errors (without execution data) to its own retained /aws/vendedlogs/states/ group and is traced", () => {
  const json = synth(codestar);
  const machines = Object.values<any>(json.resource.aws_sfn_state_machine);
  const groups = Object.entries<any>(json.resource.aws_cloudwatch_log_group);
  expect(machines.length).toBeGreaterThan(0);
  for (const m of machines) {
    expect(m.tracing_configuration).toEqual({ enabled: true });
    expect(m.logging_configuration).toMatchObject({ level: "ERROR", include_execution_data: false });
    const [address, group] = groups.find(([, g]) => g.name === `/aws/vendedlogs/states/${m.name}`)!;
    expect(m.logging_configuration.log_destination).toBe(`\${aws_cloudwatch_log_group.${address}.arn}:*`);
    expect(group.retention_in_days).toBeGreaterThan(0);
  }
  for (const [address, role] of Object.entries<any>(json.resource.aws_iam_role_policy).filter(([a]) => a.startsWith("cd_state-machines_")))
    expect([address, JSON.parse(role.policy).Statement.map((s: any) => s.Sid)]).toEqual([address, expect.arrayContaining(["ExecutionLogs", "Tracing"])]);
});

test("the pipeline's artifact bucket is versioned and expires old artifacts and superseded versions", () => {
  const json = synth(codestar);
  const [address] = Object.keys(json.resource.aws_s3_bucket).filter((a) => a.includes("artifacts"));
  expect(address).toBeDefined();
  const versioning = Object.values<any>(json.resource.aws_s3_bucket_versioning).find((v) => v.bucket === `\${aws_s3_bucket.${address}.id}`);
  expect(versioning.versioning_configuration.status).toBe("Enabled");
  const lifecycle = Object.values<any>(json.resource.aws_s3_bucket_lifecycle_configuration).find((l) => l.bucket === `\${aws_s3_bucket.${address}.id}`);
  expect(lifecycle.rule[0]).toMatchObject({ status: "Enabled", expiration: [{ days: 90 }], noncurrent_version_expiration: [{ noncurrent_days: 7 }] });
});

describe("staging distribution and policy", () => {
  const json = synth(header);
  const primary = byPrefix(json, "aws_cloudfront_distribution", "site_distribution");
  const staging = byPrefix(json, "aws_cloudfront_distribution", "cd_staging");

  test("staging has the primary's behaviors, function associations, certificate and HTTP/2, without aliases", () => {
    expect(staging.staging).toBe(true);
    expect(staging.aliases).toBeUndefined();
    for (const key of ["default_cache_behavior", "ordered_cache_behavior", "viewer_certificate", "http_version", "comment", "default_root_object", "origin"])
      expect([key, staging[key]]).toEqual([key, primary[key]]);
    expect(staging.default_cache_behavior.function_association).toEqual([
      { event_type: "viewer-request", function_arn: "arn:aws:cloudfront::234567890123:function/stg-shop-rewrite" },
    ]);
    expect(staging.http_version).toBe("http2");
  });

  test("the release flow's attributes are ignored: primary and staging origin, policy enabled, release version value", () => {
    expect(primary.lifecycle).toEqual({ ignore_changes: ["origin"] });
    expect(staging.lifecycle).toEqual({ ignore_changes: ["origin"] });
    const policy = byPrefix(json, "aws_cloudfront_continuous_deployment_policy", "cd_policy");
    expect(policy).toMatchObject({ enabled: false, lifecycle: { ignore_changes: ["enabled", "traffic_config"] } });
    const release = byPrefix(json, "aws_ssm_parameter", "cd_release-version");
    expect(release).toMatchObject({ name: "/edge/stg/shop/web/release-version", value: "unreleased", lifecycle: { ignore_changes: ["value"] } });
    // The primary never names a policy: CloudFront refuses one at creation, Configure attaches it.
    expect(primary.continuous_deployment_policy_id).toBeUndefined();
  });

  test("a header policy routes aws-cf-cd-* requests to the staging domain", () => {
    const policy = byPrefix(json, "aws_cloudfront_continuous_deployment_policy", "cd_policy");
    expect(policy.staging_distribution_dns_names).toEqual([
      { quantity: 1, items: [expect.stringMatching(/^\$\{aws_cloudfront_distribution\.cd_staging_\w+\.domain_name\}$/)] },
    ]);
    expect(policy.traffic_config).toEqual([{ type: "SingleHeader", single_header_config: [{ header: "aws-cf-cd-release", value: "candidate" }] }]);
  });

  test("a weight site's policy starts disabled on its header test route; the weight lives only in the canary state machine", () => {
    const weighted = synth(weight);
    expect(byPrefix(weighted, "aws_cloudfront_continuous_deployment_policy", "cd_policy")).toMatchObject({
      enabled: false,
      traffic_config: [{ type: "SingleHeader", single_header_config: [{ header: "aws-cf-cd-preview", value: "v2" }] }],
    });
    const canary = JSON.parse(byPrefix(weighted, "aws_sfn_state_machine", "cd_state-machines_canary").definition);
    expect(canary.States.StartCanary.Branches[0].States.CanaryPolicyChange.Result).toEqual({
      Enabled: true,
      TrafficConfig: { Type: "SingleWeight", SingleWeightConfig: { Weight: 0.05, SessionStickinessConfig: { IdleTTL: 600, MaximumTTL: 3600 } } },
    });
    const configure = JSON.parse(byPrefix(weighted, "aws_sfn_state_machine", "cd_state-machines_configure").definition);
    expect(JSON.stringify(configure)).not.toContain("SingleWeight");
  });

  test("the origin bucket admits both distributions", () => {
    const policy = JSON.parse(byPrefix(json, "aws_s3_bucket_policy", "site_policy").policy);
    expect(policy.Statement[1].Condition.StringEquals["AWS:SourceArn"]).toEqual([
      expect.stringMatching(/aws_cloudfront_distribution\.site_distribution_\w+\.arn/),
      expect.stringMatching(/aws_cloudfront_distribution\.cd_staging_\w+\.arn/),
    ]);
  });

  test("a primary that does not ignore what promotion owns is refused", () => {
    expect(() => synth(header, { distributionIgnoreChanges: undefined })).toThrow(
      "test/cd: the primary distribution must ignore origin (StaticSite distributionIgnoreChanges), or every plan after a promote reverts it",
    );
  });
});

describe("least-privilege roles", () => {
  const json = synth(codestar);
  const PRIMARY = expect.stringMatching(/aws_cloudfront_distribution\.site_distribution_\w+\.arn/);
  const STAGING = expect.stringMatching(/aws_cloudfront_distribution\.cd_staging_\w+\.arn/);
  const POLICY = expect.stringMatching(
    /^arn:aws:cloudfront::234567890123:continuous-deployment-policy\/\$\{aws_cloudfront_continuous_deployment_policy\.cd_policy_\w+\.id\}$/,
  );

  test("Configure may touch only these distributions, this policy and this parameter", () => {
    expect(rolePolicy(json, "cd_state-machines_configure-role")).toEqual([
      {
        Sid: "ReadReleaseVersion",
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: "arn:aws:ssm:ap-northeast-1:234567890123:parameter/edge/stg/shop/web/release-version",
      },
      {
        Sid: "PointStagingAndAttachPolicy",
        Effect: "Allow",
        Action: ["cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"],
        Resource: [STAGING, PRIMARY],
      },
      { Sid: "WatchStaging", Effect: "Allow", Action: "cloudfront:GetDistribution", Resource: STAGING },
      { Sid: "InvalidateStaging", Effect: "Allow", Action: ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"], Resource: STAGING },
      {
        Sid: "TestRouteOnly",
        Effect: "Allow",
        Action: ["cloudfront:GetContinuousDeploymentPolicy", "cloudfront:UpdateContinuousDeploymentPolicy"],
        Resource: POLICY,
      },
    ]);
  });

  test("Canary and Rollback may change only this policy; EventBridge may start only Rollback", () => {
    const weighted = synth({ ...weight, pipeline: codestar.pipeline });
    for (const [prefix, sid] of [
      ["cd_state-machines_canary-role", "StartCanary"],
      ["cd_state-machines_rollback-role", "DisablePolicy"],
    ])
      expect(rolePolicy(weighted, prefix)).toEqual([
        { Sid: sid, Effect: "Allow", Action: ["cloudfront:GetContinuousDeploymentPolicy", "cloudfront:UpdateContinuousDeploymentPolicy"], Resource: POLICY },
      ]);
    expect(rolePolicy(weighted, "cd_rollback_events-role")).toEqual([
      {
        Sid: "StartRollback",
        Effect: "Allow",
        Action: "states:StartExecution",
        Resource: expect.stringMatching(/^\$\{aws_sfn_state_machine\.cd_state-machines_rollback_\w+\.arn\}$/),
      },
    ]);
  });

  test("Promote may promote and invalidate only this site", () => {
    expect(rolePolicy(json, "cd_state-machines_promote-role")).toEqual([
      {
        Sid: "Promote",
        Effect: "Allow",
        Action: ["cloudfront:GetDistribution", "cloudfront:UpdateDistribution", "cloudfront:UpdateDistributionWithStagingConfig"],
        Resource: [PRIMARY, STAGING],
      },
      { Sid: "Invalidate", Effect: "Allow", Action: ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"], Resource: PRIMARY },
    ]);
  });

  test("services assume the roles only for this account", () => {
    for (const role of Object.values<any>(json.resource.aws_iam_role)) {
      const trust = JSON.parse(role.assume_role_policy).Statement[0];
      expect(trust.Condition).toEqual({ StringEquals: { "aws:SourceAccount": "234567890123" } });
      expect(role.name.length).toBeLessThanOrEqual(64);
    }
  });

  test("the Deploy build may write only the site bucket and the release-version parameter", () => {
    const statements = rolePolicy(json, "cd_pipeline_deploy-role");
    expect(statements.find((s: any) => s.Sid === "UploadRelease")).toEqual({
      Sid: "UploadRelease",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::stg-shop-web-234567890123/*",
    });
    expect(statements.find((s: any) => s.Sid === "RecordRelease")).toEqual({
      Sid: "RecordRelease",
      Effect: "Allow",
      Action: "ssm:PutParameter",
      Resource: "arn:aws:ssm:ap-northeast-1:234567890123:parameter/edge/stg/shop/web/release-version",
    });
  });
});

describe("pipeline", () => {
  test("V2, QUEUED, six stages in order, the release version from the commit, state machines invoked", () => {
    const json = synth(codestar);
    const pipeline = byPrefix(json, "aws_codepipeline", "cd_pipeline_");
    expect(pipeline).toMatchObject({ pipeline_type: "V2", execution_mode: "QUEUED", name: "stg-shop-web-release" });
    expect(pipeline.stage.map((s: any) => s.name)).toEqual(["Source", "Build", "Deploy", "Configure", "Approve", "Promote"]);
    const action = (stage: string) => pipeline.stage.find((s: any) => s.name === stage).action[0];
    expect(action("Source")).toMatchObject({
      provider: "CodeStarSourceConnection",
      namespace: "SourceVariables",
      configuration: { BranchName: "main", FullRepositoryId: "example-org/shop-web" },
    });
    expect(JSON.parse(action("Deploy").configuration.EnvironmentVariables)).toEqual([
      { name: "RELEASE_VERSION", value: "#{SourceVariables.CommitId}", type: "PLAINTEXT" },
    ]);
    expect(action("Configure")).toMatchObject({
      category: "Invoke",
      provider: "StepFunctions",
      configuration: { StateMachineArn: expect.stringMatching(/cd_state-machines_configure_\w+\.arn/) },
    });
    expect(action("Approve")).toMatchObject({
      category: "Approval",
      provider: "Manual",
      configuration: { NotificationArn: "arn:aws:sns:ap-northeast-1:234567890123:approvals" },
    });
    expect(action("Approve").configuration.CustomData).toContain('with the header "aws-cf-cd-release: candidate" only');
    expect(action("Promote")).toMatchObject({
      category: "Invoke",
      provider: "StepFunctions",
      configuration: { StateMachineArn: expect.stringMatching(/cd_state-machines_promote_\w+\.arn/) },
    });
    expect(rolePolicy(json, "cd_pipeline_pipeline-role").find((s: any) => s.Sid === "UseConnection")).toMatchObject({
      Action: "codestar-connections:UseConnection",
    });
  });

  test("an S3 source names the release by object version and may read only that object", () => {
    const json = synth({ ...codestar, pipeline: { ...codestar.pipeline!, source: { type: "s3", bucket: "example-org-releases", key: "shop/site.zip" } } });
    const pipeline = byPrefix(json, "aws_codepipeline", "cd_pipeline_");
    expect(pipeline.stage[0].action[0]).toMatchObject({ provider: "S3", configuration: { S3Bucket: "example-org-releases", S3ObjectKey: "shop/site.zip" } });
    expect(JSON.parse(pipeline.stage[2].action[0].configuration.EnvironmentVariables)[0].value).toBe("#{SourceVariables.VersionId}");
    expect(rolePolicy(json, "cd_pipeline_pipeline-role").find((s: any) => s.Sid === "ReadSource")).toEqual({
      Sid: "ReadSource",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: "arn:aws:s3:::example-org-releases/shop/site.zip",
    });
  });

  test("a weight site gets two decisions: Approve starts the canary, ApproveRelease promotes", () => {
    const json = synth({ ...weight, pipeline: codestar.pipeline });
    const pipeline = byPrefix(json, "aws_codepipeline", "cd_pipeline_");
    expect(pipeline.stage.map((s: any) => s.name)).toEqual(["Source", "Build", "Deploy", "Configure", "Approve", "Canary", "ApproveRelease", "Promote"]);
    const action = (stage: string) => pipeline.stage.find((s: any) => s.name === stage).action[0];
    expect(action("Canary")).toMatchObject({
      provider: "StepFunctions",
      configuration: { StateMachineArn: expect.stringMatching(/cd_state-machines_canary_\w+\.arn/) },
    });
    expect(action("Approve").configuration.CustomData).toContain("Approve to start the canary (5% of viewers)");
    expect(action("ApproveRelease").configuration.CustomData).toContain("Approve to promote it");
    expect(rolePolicy(json, "cd_pipeline_pipeline-role").find((s: any) => s.Sid === "RunStateMachines").Resource).toHaveLength(3);
  });

  test("failed, timed-out or aborted release steps and failed (rejected) or stopped pipelines start Rollback", () => {
    const json = synth({ ...weight, pipeline: codestar.pipeline });
    const rules = Object.values<any>(json.resource.aws_cloudwatch_event_rule);
    const patterns = rules.map((r) => JSON.parse(r.event_pattern)).sort((a, b) => b.source[0].localeCompare(a.source[0]));
    expect(patterns).toEqual([
      {
        source: ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        detail: {
          status: ["FAILED", "TIMED_OUT", "ABORTED"],
          stateMachineArn: ["configure", "canary", "promote"].map((step) =>
            expect.stringMatching(new RegExp(`^\\$\\{aws_sfn_state_machine\\.cd_state-machines_${step}_\\w+\\.arn\\}$`)),
          ),
        },
      },
      {
        source: ["aws.codepipeline"],
        "detail-type": ["CodePipeline Pipeline Execution State Change"],
        detail: { pipeline: ["stg-shop-web-release"], state: ["FAILED", "STOPPED"] },
      },
    ]);
    for (const target of Object.values<any>(json.resource.aws_cloudwatch_event_target))
      expect(target).toMatchObject({
        arn: expect.stringMatching(/cd_state-machines_rollback_\w+\.arn/),
        role_arn: expect.stringMatching(/cd_rollback_events-role/),
      });
  });

  test("the rules select the events AWS sends for a failure or a rejection, and nothing else", () => {
    const json = synth({ ...weight, pipeline: codestar.pipeline });
    const patterns = Object.values<any>(json.resource.aws_cloudwatch_event_rule).map((r) => JSON.parse(r.event_pattern));
    const configureArn = patterns.find((p) => p.source[0] === "aws.states").detail.stateMachineArn[0];
    // EventBridge matching for the pattern subset used here: every key must match, leaf arrays list allowed values.
    const matches = (pattern: any, event: any): boolean =>
      Object.entries(pattern).every(([k, v]) => (Array.isArray(v) ? v.includes(event?.[k]) : matches(v, event?.[k])));
    const fires = (event: object) => patterns.some((p) => matches(p, event));
    // Shapes of the sample events in the Step Functions and CodePipeline user guides.
    const execution = (status: string) => ({
      version: "0",
      "detail-type": "Step Functions Execution Status Change",
      source: "aws.states",
      detail: {
        executionArn: "arn:aws:states:ap-northeast-1:234567890123:execution:stg-shop-web-configure:1",
        stateMachineArn: configureArn,
        name: "1",
        status,
      },
    });
    const pipelineRun = (state: string, pipeline = "stg-shop-web-release") => ({
      version: "0",
      "detail-type": "CodePipeline Pipeline Execution State Change",
      source: "aws.codepipeline",
      detail: { pipeline, version: 1, state, "execution-id": "e1" },
    });
    expect(["FAILED", "TIMED_OUT", "ABORTED", "SUCCEEDED", "RUNNING"].map((s) => fires(execution(s)))).toEqual([true, true, true, false, false]);
    expect(["FAILED", "STOPPED", "SUCCEEDED", "STARTED"].map((s) => fires(pipelineRun(s)))).toEqual([true, true, false, false]);
    expect(fires(pipelineRun("FAILED", "stg-other-web-release"))).toBe(false);
  });

  test("without a pipeline there are state machines but no pipeline, builds or artifact bucket", () => {
    const json = synth(header);
    expect(Object.keys(json.resource.aws_sfn_state_machine)).toHaveLength(3); // configure, promote, rollback
    expect(Object.keys(json.resource.aws_cloudwatch_event_rule)).toHaveLength(1); // state machine failures only
    expect(json.resource.aws_codepipeline).toBeUndefined();
    expect(json.resource.aws_codebuild_project).toBeUndefined();
    expect(Object.keys(json.resource.aws_s3_bucket)).toHaveLength(1);
  });
});
