import { Construct } from "constructs";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { Codepipeline, type CodepipelineStageAction } from "@cdktf/provider-aws/lib/codepipeline";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import type { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { boundedName, codebuildLogGroupName, regionalArn, s3BucketArn, s3ObjectArn, ssmParameterArn, stateMachineExecutionsArn } from "../../model/names";
import type { PipelineConfig } from "../../model/resolved";
import { escapeTerraformTemplates, type PolicyStatement } from "../blocks/policy";
import { PrivateBucket } from "../blocks/private-bucket";
import { ServiceRole } from "../blocks/service-role";

/** Days a build artifact is kept, and a superseded version of one. */
const ARTIFACT_RETENTION_DAYS = 90;
const NONCURRENT_ARTIFACT_DAYS = 7;

/**
 * The pipeline's stages, in order: the release flow of
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/continuous-deployment-workflow.html with a
 * build and manual approvals in between. Sites with a weight canary get two decisions: Approve starts the canary,
 * ApproveRelease promotes it; header sites go from Approve straight to Promote.
 */
export const ReleaseStage = {
  SOURCE: "Source",
  BUILD: "Build",
  DEPLOY: "Deploy",
  CONFIGURE: "Configure",
  APPROVE: "Approve",
  CANARY: "Canary",
  APPROVE_RELEASE: "ApproveRelease",
  PROMOTE: "Promote",
} as const;
export type ReleaseStage = (typeof ReleaseStage)[keyof typeof ReleaseStage];

export interface ReleasePipelineProps {
  /** `<env>-<sid>-<site>`: every name starts with it. */
  readonly name: string;
  /** AWS account id, for ARNs and trust conditions. */
  readonly accountId: string;
  /** Region of the pipeline, the build projects and the SSM parameter. */
  readonly region: string;
  /** The site's origin bucket; Deploy syncs each release to `<release>/` in it. */
  readonly siteBucketName: string;
  /** SSM parameter Deploy writes the release version to (Configure reads it). */
  readonly releaseVersionParameter: string;
  /** Configure state machine, run by the Configure stage. */
  readonly configureStateMachine: SfnStateMachine;
  /** Canary state machine, run after the first approval. @default none: no weight canary, Approve leads to Promote */
  readonly canaryStateMachine?: SfnStateMachine;
  /** Promote state machine, run by the Promote stage. */
  readonly promoteStateMachine: SfnStateMachine;
  /** Retention of the build log groups. */
  readonly logRetentionDays: number;
  /** Source, buildspec, image and approval topic from the environment configuration. */
  readonly config: PipelineConfig;
  /** Text shown to (and mailed to) the approvers: before the canary (weight sites) and before promotion. */
  readonly approvalMessages: { canary?: string; release: string };
}

/** The release version: the commit (CodeStar source) or the object version (S3 source), from the Source action's variables. */
const SOURCE_NAMESPACE = "SourceVariables";

/**
 * Deploy's buildspec, owned here (not by the application repository): sync the built files to the release prefix and
 * record the release for Configure. Old prefixes stay, so a rollback needs no rebuild.
 */
const DEPLOY_BUILDSPEC = `version: 0.2
phases:
  build:
    commands:
      - 'test -n "$RELEASE_VERSION" || (echo "RELEASE_VERSION is empty: the source action provided no version" && exit 1)'
      - 'aws s3 sync . "s3://$SITE_BUCKET/$RELEASE_VERSION/" --no-progress'
      - 'aws ssm put-parameter --name "$RELEASE_VERSION_PARAMETER" --value "$RELEASE_VERSION" --overwrite'
`;

/**
 * CodePipeline V2 in QUEUED mode (a newer commit waits instead of repointing staging while an older release awaits
 * approval): Source (CodeStar connection or S3), Build (CodeBuild, the repository's buildspec), Deploy (sync to the
 * release prefix, write the release version), Configure (Step Functions: staging repointed and invalidated, header test
 * route only), Approve (manual, optional SNS), then for weight sites Canary (Step Functions: the weight starts) and
 * ApproveRelease (the second decision), and Promote (Step Functions). Nothing reaches viewers other than testers before
 * the first approval. An encrypted, private artifact bucket; one least-privilege role per service.
 * Owns: the pipeline, both build projects and their log groups, the artifact bucket and the roles.
 */
export class ReleasePipeline extends Construct {
  readonly pipeline: Codepipeline;
  readonly artifacts: S3Bucket;
  /** The pipeline's name, literal (rollback rules and alarms match it). */
  readonly name: string;
  /** Names of the roles only an AWS service assumes (the change recorder treats their changes as automation). */
  readonly serviceRoleNames: string[] = [];

  constructor(scope: Construct, id: string, props: ReleasePipelineProps) {
    super(scope, id);
    const { name, config } = props;
    this.name = `${name}-release`;
    const siteBucketArn = s3BucketArn(props.siteBucketName);
    const parameterArn = ssmParameterArn(props.region, props.accountId, props.releaseVersionParameter);

    // A private, encrypted, versioned bucket Terraform may empty on destroy: it holds only build artifacts (in
    // environments with security.protectFromDeletion the deletion-protection aspect takes force_destroy away).
    const artifacts = PrivateBucket.inScope(
      this,
      {
        bucket: "artifacts",
        ownership: "artifacts-ownership",
        publicAccess: "artifacts-public-access",
        encryption: "artifacts-encryption",
        policy: "artifacts-policy",
        versioning: "artifacts-versioning",
      },
      { bucketPrefix: `${boundedName(name, "artifacts", 36)}-`, forceDestroy: true, versioning: true },
    );
    this.artifacts = artifacts.bucket;
    new S3BucketLifecycleConfiguration(this, "artifacts-lifecycle", {
      bucket: this.artifacts.id,
      rule: [
        {
          // A release's artifacts matter until it is promoted or rolled back; the site bucket keeps what was deployed.
          id: "old-artifacts",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: ARTIFACT_RETENTION_DAYS }],
          noncurrentVersionExpiration: [{ noncurrentDays: NONCURRENT_ARTIFACT_DAYS }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
      // As the provider's documentation advises for versioned buckets: versioning first, then noncurrent-version rules.
      dependsOn: [artifacts.versioning!],
    });
    const artifactObjects = `${this.artifacts.arn}/*`;

    const build = this.createProject(
      props,
      "build",
      [
        { Sid: "PipelineArtifacts", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], Resource: artifactObjects },
        { Sid: "PipelineArtifactsBucket", Effect: "Allow", Action: ["s3:GetBucketAcl", "s3:GetBucketLocation"], Resource: this.artifacts.arn },
      ],
      config.buildspec,
      {},
    );
    const deploy = this.createProject(
      props,
      "deploy",
      [
        { Sid: "PipelineArtifacts", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: artifactObjects },
        { Sid: "PipelineArtifactsBucket", Effect: "Allow", Action: ["s3:GetBucketAcl", "s3:GetBucketLocation"], Resource: this.artifacts.arn },
        { Sid: "ListSite", Effect: "Allow", Action: "s3:ListBucket", Resource: siteBucketArn },
        { Sid: "UploadRelease", Effect: "Allow", Action: "s3:PutObject", Resource: s3ObjectArn(props.siteBucketName, "*") },
        { Sid: "RecordRelease", Effect: "Allow", Action: "ssm:PutParameter", Resource: parameterArn },
      ],
      DEPLOY_BUILDSPEC,
      { SITE_BUCKET: props.siteBucketName, RELEASE_VERSION_PARAMETER: props.releaseVersionParameter },
    );

    const source = sourceAction(config.source);
    const role = this.createPipelineRole(props, source.statements, [build, deploy], artifactObjects);
    this.pipeline = new Codepipeline(this, "pipeline", {
      name: this.name,
      roleArn: role.arn,
      pipelineType: "V2",
      executionMode: "QUEUED",
      artifactStore: [{ location: this.artifacts.bucket, type: "S3" }],
      stage: pipelineStages(props, source, build.name, deploy.name),
    });
  }

  /** A CodeBuild project with its log group and role. */
  private createProject(
    props: ReleasePipelineProps,
    step: "build" | "deploy",
    statements: PolicyStatement[],
    buildspec: string,
    env: Record<string, string>,
  ): CodebuildProject {
    const { name, config } = props;
    const logGroupArn = (group: string) => regionalArn("logs", props.region, props.accountId, `log-group:${group}`);
    const projectName = `${name}-${step}`;
    const logGroup = new CloudwatchLogGroup(this, `${step}-logs`, { name: codebuildLogGroupName(projectName), retentionInDays: props.logRetentionDays });
    const role = new ServiceRole(this, `${step}-role`, {
      name,
      suffix: `cd-${step}`,
      service: "codebuild.amazonaws.com",
      accountId: props.accountId,
      statements: [
        {
          Sid: "WriteBuildLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [logGroupArn(logGroup.name), `${logGroupArn(logGroup.name)}:*`],
        },
        ...statements,
      ],
    });
    this.serviceRoleNames.push(role.name);
    return new CodebuildProject(this, step, {
      name: projectName,
      description: `${name}: ${step} stage of the release pipeline`,
      serviceRole: role.arn,
      source: { type: "CODEPIPELINE", buildspec: escapeTerraformTemplates(buildspec) },
      artifacts: { type: "CODEPIPELINE" },
      environment: {
        type: "LINUX_CONTAINER",
        computeType: "BUILD_GENERAL1_SMALL",
        image: config.buildImage,
        environmentVariable: Object.entries(env).map(([k, v]) => ({ name: k, value: v, type: "PLAINTEXT" })),
      },
      logsConfig: { cloudwatchLogs: { groupName: logGroup.name, status: "ENABLED" } },
      buildTimeout: 30,
    });
  }

  /** The role CodePipeline runs the release with: artifacts, source, builds, state machines, approval topic. */
  private createPipelineRole(
    props: ReleasePipelineProps,
    sourceStatements: PolicyStatement[],
    builds: CodebuildProject[],
    artifactObjects: string,
  ): ServiceRole {
    const canary = props.canaryStateMachine;
    const stateMachines = [props.configureStateMachine, ...(canary ? [canary] : []), props.promoteStateMachine];
    const executionArn = (sm: SfnStateMachine) => stateMachineExecutionsArn(props.region, props.accountId, sm.name);
    const approvalTopicArn = props.config.approvalTopicArn;
    const role = new ServiceRole(this, "pipeline-role", {
      name: props.name,
      suffix: "cd-pipeline",
      service: "codepipeline.amazonaws.com",
      accountId: props.accountId,
      statements: [
        { Sid: "Artifacts", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], Resource: artifactObjects },
        {
          Sid: "ArtifactsBucket",
          Effect: "Allow",
          Action: ["s3:GetBucketVersioning", "s3:GetBucketAcl", "s3:GetBucketLocation"],
          Resource: this.artifacts.arn,
        },
        ...sourceStatements,
        { Sid: "RunBuilds", Effect: "Allow", Action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"], Resource: builds.map((b) => b.arn) },
        {
          Sid: "RunStateMachines",
          Effect: "Allow",
          Action: ["states:StartExecution", "states:DescribeStateMachine"],
          Resource: stateMachines.map((sm) => sm.arn),
        },
        { Sid: "WatchStateMachines", Effect: "Allow", Action: "states:DescribeExecution", Resource: stateMachines.map(executionArn) },
        ...(approvalTopicArn ? [{ Sid: "NotifyApprovers", Effect: "Allow" as const, Action: "sns:Publish", Resource: approvalTopicArn }] : []),
      ],
    });
    this.serviceRoleNames.push(role.name);
    return role;
  }
}

/** The stages in order; weight sites get the canary and a second approval. */
function pipelineStages(props: ReleasePipelineProps, source: ReturnType<typeof sourceAction>, buildProject: string, deployProject: string) {
  const config = props.config;
  const canary = props.canaryStateMachine;
  const invoke = (stage: ReleaseStage, sm: SfnStateMachine): CodepipelineStageAction => ({
    name: stage,
    category: "Invoke",
    owner: "AWS",
    provider: "StepFunctions",
    version: "1",
    // Everything the state machines need is in their definitions; the input carries nothing.
    configuration: { StateMachineArn: sm.arn, InputType: "Literal", Input: "{}" },
  });
  // A rejection fails the pipeline execution, which rolls the release back (modules/release/release-rollback.ts).
  const approval = (stage: ReleaseStage, message: string) => ({
    name: stage,
    action: [
      {
        name: stage,
        category: "Approval",
        owner: "AWS",
        provider: "Manual",
        version: "1",
        configuration: { CustomData: message, ...(config.approvalTopicArn ? { NotificationArn: config.approvalTopicArn } : {}) },
      },
    ],
  });
  return [
    { name: ReleaseStage.SOURCE, action: [source.action] },
    {
      name: ReleaseStage.BUILD,
      action: [
        {
          name: ReleaseStage.BUILD,
          category: "Build",
          owner: "AWS",
          provider: "CodeBuild",
          version: "1",
          inputArtifacts: ["source"],
          outputArtifacts: ["site"],
          configuration: { ProjectName: buildProject },
        },
      ],
    },
    {
      name: ReleaseStage.DEPLOY,
      action: [
        {
          name: ReleaseStage.DEPLOY,
          category: "Build",
          owner: "AWS",
          provider: "CodeBuild",
          version: "1",
          inputArtifacts: ["site"],
          configuration: {
            ProjectName: deployProject,
            EnvironmentVariables: JSON.stringify([{ name: "RELEASE_VERSION", value: source.releaseVersion, type: "PLAINTEXT" }]),
          },
        },
      ],
    },
    { name: ReleaseStage.CONFIGURE, action: [invoke(ReleaseStage.CONFIGURE, props.configureStateMachine)] },
    ...(canary
      ? [
          approval(ReleaseStage.APPROVE, props.approvalMessages.canary ?? props.approvalMessages.release),
          { name: ReleaseStage.CANARY, action: [invoke(ReleaseStage.CANARY, canary)] },
          approval(ReleaseStage.APPROVE_RELEASE, props.approvalMessages.release),
        ]
      : [approval(ReleaseStage.APPROVE, props.approvalMessages.release)]),
    { name: ReleaseStage.PROMOTE, action: [invoke(ReleaseStage.PROMOTE, props.promoteStateMachine)] },
  ];
}

/** The Source action, the permissions it needs, and the pipeline variable that names the release. */
function sourceAction(source: PipelineConfig["source"]): { action: CodepipelineStageAction; statements: PolicyStatement[]; releaseVersion: string } {
  const common = { name: ReleaseStage.SOURCE, category: "Source", owner: "AWS", version: "1", namespace: SOURCE_NAMESPACE, outputArtifacts: ["source"] };
  if (source.type === "codestar") {
    // Connections created as CodeConnections have their own service prefix.
    const service = source.connectionArn.split(":")[2];
    return {
      action: {
        ...common,
        provider: "CodeStarSourceConnection",
        configuration: {
          ConnectionArn: source.connectionArn,
          FullRepositoryId: source.repository,
          BranchName: source.branch,
          OutputArtifactFormat: "CODE_ZIP",
        },
      },
      statements: [{ Sid: "UseConnection", Effect: "Allow", Action: `${service}:UseConnection`, Resource: source.connectionArn }],
      releaseVersion: `#{${SOURCE_NAMESPACE}.CommitId}`,
    };
  }
  return {
    action: {
      ...common,
      provider: "S3",
      // Started by whoever uploads the zip (aws codepipeline start-pipeline-execution); see docs/continuous-deployment.md.
      configuration: { S3Bucket: source.bucket, S3ObjectKey: source.key, PollForSourceChanges: "false" },
    },
    statements: [
      { Sid: "ReadSource", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: s3ObjectArn(source.bucket, source.key) },
      { Sid: "ReadSourceBucket", Effect: "Allow", Action: "s3:GetBucketVersioning", Resource: s3BucketArn(source.bucket) },
    ],
    releaseVersion: `#{${SOURCE_NAMESPACE}.VersionId}`,
  };
}
