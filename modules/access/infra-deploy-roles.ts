import { TerraformOutput, type ITerraformDependable } from "cdktn";
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InfraRoleKind, infraRoleName } from "../../model/deploy-roles";
import { ConstructError } from "../../model/errors";
import {
  connectionArnPatterns,
  dynamodbTableArn,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  githubOidcProviderArn,
  githubSubject,
  globalArn,
  iamPolicyArn,
  iamRoleArn,
  regionalArn,
  s3BucketArn,
  s3ObjectArn,
} from "../../model/names";
import { policyJson, type PolicyDocument, type PolicyStatement } from "../blocks/policy";
import { boundaryGuardStatements, permissionsBoundaryArn } from "./permissions-boundary";

export { InfraRoleKind, infraRoleName };

/** Where the stack's state lives (the environment's S3 backend). */
export interface StateLocation {
  /** State bucket. */
  readonly bucket: string;
  /** State object key. */
  readonly key: string;
  /** KMS key encrypting the state. @default none (SSE-S3) */
  readonly kmsKeyId?: string;
  /** Legacy DynamoDB lock table (Terraform < 1.10). @default none */
  readonly dynamodbTable?: string;
  /** S3-native lock object `<key>.tflock` (Terraform >= 1.10). */
  readonly useLockfile: boolean;
  /** The state bucket's region (for the DynamoDB table ARN). */
  readonly region: string;
}

export interface InfraDeployRolesProps {
  /** Environment name: the roles' name prefix and the scope of every resource pattern. */
  readonly envName: string;
  /** The environment's account. */
  readonly accountId: string;
  /** The environment's main region. */
  readonly region: string;
  /** `owner/name` of this repository (the OIDC subject). */
  readonly repository: string;
  /** Numeric GitHub id of this repository (`token.actions.githubusercontent.com:repository_id`). */
  readonly repositoryId: string;
  /** Numeric GitHub id of its owner (`token.actions.githubusercontent.com:repository_owner_id`). */
  readonly ownerId: string;
  /** GitHub environment of the plan job. */
  readonly planEnvironment: string;
  /** GitHub environment of the apply job. */
  readonly applyEnvironment: string;
  /** ARN of the account's GitHub OIDC provider. */
  readonly oidcProviderArn: string;
  /** The provider resource when this stack creates it (IAM rejects a trust naming a missing provider). @default none (it exists already) */
  readonly oidcProvider?: ITerraformDependable;
  /** The S3 state. @default none: a local backend, no state access granted */
  readonly state?: StateLocation;
  /** Whether the plan role may take the state lock. @default false (CI plans with -lock=false) */
  readonly planLocks?: boolean;
  /** Maximum session length, hours. @default 1 */
  readonly maxSessionHours?: number;
  /** `job_workflow_ref` the apply role trusts, exactly (the apply workflow on the default branch). @default any workflow */
  readonly applyWorkflowRef?: string;
  /** `job_workflow_ref` patterns the plan role trusts (StringLike: pull-request refs are `refs/pull/<n>/merge`). @default any workflow */
  readonly planWorkflowRefs?: readonly string[];
  /** Regions besides the main one and us-east-1 where the stack makes resources (change-recorder forwarders). @default none */
  readonly regions?: readonly string[];
  /** Bucket names this project makes that do not start with `<env>-` (sites' own bucketName). @default none */
  readonly bucketNames?: readonly string[];
  /** AWS-managed policies roles may attach (every other AWS-managed policy is denied). @default none */
  readonly allowedAwsManagedPolicyArns?: readonly string[];
  /** The change records bucket, whose deletion, lifecycle and Object Lock the apply role may not change. @default none */
  readonly recordBuckets?: readonly string[];
}

/**
 * Trust for one GitHub environment of this repository: `aud` and `sub` exact, and the repository's and owner's
 * numeric ids pinned, so a repository re-created under the same name (or an owner renamed into it) gets nothing.
 * GitHub documents the claims (https://docs.github.com/en/actions/reference/security/oidc#understanding-the-oidc-token);
 * IAM accepts them as `token.actions.githubusercontent.com:<claim>` condition keys
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif).
 */
export function infraTrustPolicy(
  p: Pick<InfraDeployRolesProps, "oidcProviderArn" | "repository" | "repositoryId" | "ownerId">,
  environment: string,
  workflows?: { readonly exact?: string; readonly like?: readonly string[] },
): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ThisRepositoryEnvironment",
        Effect: "Allow",
        Principal: { Federated: p.oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: githubSubject(p.repository, environment),
            [`${GITHUB_OIDC_HOST}:repository_id`]: p.repositoryId,
            [`${GITHUB_OIDC_HOST}:repository_owner_id`]: p.ownerId,
            ...(workflows?.exact ? { [`${GITHUB_OIDC_HOST}:job_workflow_ref`]: workflows.exact } : {}),
          },
          ...(workflows?.like?.length ? { StringLike: { [`${GITHUB_OIDC_HOST}:job_workflow_ref`]: [...workflows.like] } } : {}),
        },
      },
    ],
  };
}

/**
 * ARN patterns of what one environment's stack manages: every name starts with `<env>-` (or /aws/.../<env>-), in
 * the environment's regions (main, us-east-1 for CloudFront's logs, WAF and the change recorder, and the recorder's
 * forwarding regions).
 */
function scope(p: InfraDeployRolesProps) {
  const { envName: e, accountId: a } = p;
  const regions = [...new Set([p.region, "us-east-1", ...(p.regions ?? [])])];
  const regional = (service: string, resource: string) => regions.map((r) => regionalArn(service, r, a, resource));
  const logGroupPrefixes = [
    `/aws/lambda/${e}-`,
    `/aws/codebuild/${e}-`,
    `/aws/cloudfront/function/${e}-`,
    `/aws/vendedlogs/states/${e}-`,
    `aws-waf-logs-${e}-`,
  ];
  return {
    cloudfront: globalArn("cloudfront", a, "*"),
    // Every bucket ARN the plan role may read (configuration only): the account's, by s3:ResourceAccount.
    anyBucket: s3BucketArn("*"),
    // The buckets this project makes: `<env>-*` (site, artifact and records buckets) and sites' own bucketName.
    buckets: [...new Set([`${e}-*`, ...(p.bucketNames ?? [])])].map((b) => s3BucketArn(b)),
    roles: iamRoleArn(a, `${e}-*`),
    policies: iamPolicyArn(a, `${e}-*`),
    oidcProvider: githubOidcProviderArn(a),
    // Read (plan): any group of the account's regions; write (apply): the groups this project names.
    logGroups: regions.map((r) => regionalArn("logs", r, a, "log-group:*")),
    ownLogGroups: regions.flatMap((r) => logGroupPrefixes.flatMap((g) => [regionalArn("logs", r, a, `log-group:${g}*`)])),
    functions: regional("lambda", `function:${e}-*`),
    eventSourceMappings: regional("lambda", "event-source-mapping:*"),
    queues: regional("sqs", `${e}-*`),
    topics: regional("sns", `${e}-*`),
    alarms: regional("cloudwatch", `alarm:${e}-*`),
    repositories: regional("ecr", `repository/${e}-*`),
    parameters: regional("ssm", `parameter/edge/${e}/*`),
    stateMachines: regional("states", `stateMachine:${e}-*`),
    // Rules on the default bus (the release flow's rollback rules are `<env>-<sid>-<site>-...`).
    eventRules: regional("events", `rule/${e}-*`),
    pipelines: regional("codepipeline", `${e}-*`),
    projects: regional("codebuild", `project/${e}-*`),
    webAcls: [
      regionalArn("wafv2", "us-east-1", a, `global/webacl/${e}-*`),
      regionalArn("wafv2", "us-east-1", a, "global/managedruleset/*"),
      regionalArn("wafv2", "us-east-1", a, `global/ipset/${e}-*`),
    ],
    connections: connectionArnPatterns(a),
  };
}

const inAccount = (accountId: string) => ({ StringEquals: { "s3:ResourceAccount": accountId } });

/**
 * The resource part of a grant on a KMS key named by ARN or alias. An alias ARN in `Resource` authorizes nothing:
 * KMS authorizes key operations on the key's ARN, so an alias is granted as any key of the account and region that
 * carries it (`kms:ResourceAliases`; https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html).
 */
export function kmsKeyGrant(keyId: string, region: string, accountId: string): Pick<PolicyStatement, "Resource" | "Condition"> {
  const alias = /^(?:arn:aws:kms:([a-z0-9-]+):(\d{12}):)?(alias\/.+)$/.exec(keyId);
  if (!alias) return { Resource: keyId.startsWith("arn:") ? keyId : regionalArn("kms", region, accountId, `key/${keyId}`) };
  return {
    Resource: regionalArn("kms", alias[1] ?? region, alias[2] ?? accountId, "key/*"),
    Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": alias[3] } },
  };
}

/**
 * Reading the state (both roles); writing it and its lock (apply, or plan with planLocks). The permissions the S3
 * backend documents: https://developer.hashicorp.com/terraform/language/backend/s3#permissions-required
 */
function stateStatements(state: StateLocation | undefined, accountId: string, write: boolean, lock: boolean): PolicyStatement[] {
  if (!state) return [];
  const object = s3ObjectArn(state.bucket, state.key);
  const statements: PolicyStatement[] = [
    {
      Sid: "StateList",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: s3BucketArn(state.bucket),
      Condition: { StringLike: { "s3:prefix": [state.key, `${state.key}.tflock`] } },
    },
    { Sid: "StateObject", Effect: "Allow", Action: write ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"], Resource: object },
  ];
  if (lock && state.useLockfile)
    statements.push({ Sid: "StateLockObject", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${object}.tflock` });
  if (lock && state.dynamodbTable)
    statements.push({
      Sid: "StateLockTable",
      Effect: "Allow",
      Action: ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
      Resource: dynamodbTableArn(state.region, accountId, state.dynamodbTable),
    });
  if (state.kmsKeyId)
    statements.push({
      Sid: "StateKey",
      Effect: "Allow",
      Action: write ? ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"],
      ...kmsKeyGrant(state.kmsKeyId, state.region, accountId),
    });
  return statements;
}

/**
 * What `terraform plan` reads to refresh this project's resources, and nothing it could change: no Put/Create/
 * Update/Delete, no s3:GetObject outside the state (site content stays unread), no iam:PassRole.
 */
export function planPolicy(p: InfraDeployRolesProps): PolicyDocument {
  const s = scope(p);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadCloudFront",
        Effect: "Allow",
        Action: [
          "cloudfront:GetDistribution",
          "cloudfront:GetDistributionConfig",
          "cloudfront:ListTagsForResource",
          "cloudfront:GetOriginAccessControl",
          "cloudfront:DescribeFunction",
          "cloudfront:GetFunction",
          "cloudfront:GetContinuousDeploymentPolicy",
          "cloudfront:DescribeKeyValueStore",
          "cloudfront:GetResponseHeadersPolicy",
        ],
        Resource: s.cloudfront,
      },
      {
        Sid: "ReadBucketConfiguration",
        Effect: "Allow",
        Action: [
          "s3:ListBucket",
          "s3:GetBucket*",
          "s3:GetAccelerateConfiguration",
          "s3:GetLifecycleConfiguration",
          "s3:GetReplicationConfiguration",
          "s3:GetEncryptionConfiguration",
        ],
        Resource: s.anyBucket,
        Condition: inAccount(p.accountId),
      },
      {
        Sid: "ReadRoles",
        Effect: "Allow",
        Action: ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRoleTags"],
        Resource: s.roles,
      },
      {
        Sid: "ReadPolicies",
        Effect: "Allow",
        Action: ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListPolicyTags"],
        Resource: s.policies,
      },
      { Sid: "ReadOidcProvider", Effect: "Allow", Action: ["iam:GetOpenIDConnectProvider"], Resource: s.oidcProvider },
      { Sid: "ReadLogGroups", Effect: "Allow", Action: ["logs:ListTagsForResource", "logs:ListTagsLogGroup"], Resource: s.logGroups },
      {
        Sid: "ReadFunctions",
        Effect: "Allow",
        Action: [
          "lambda:GetFunction",
          "lambda:GetFunctionConfiguration",
          "lambda:GetFunctionCodeSigningConfig",
          "lambda:ListVersionsByFunction",
          "lambda:GetPolicy",
          "lambda:ListTags",
        ],
        Resource: s.functions,
      },
      { Sid: "ReadEventSourceMappings", Effect: "Allow", Action: ["lambda:GetEventSourceMapping"], Resource: s.eventSourceMappings },
      { Sid: "ReadQueues", Effect: "Allow", Action: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"], Resource: s.queues },
      { Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:ListTagsForResource"], Resource: s.parameters },
      { Sid: "ReadStateMachines", Effect: "Allow", Action: ["states:DescribeStateMachine", "states:ListTagsForResource"], Resource: s.stateMachines },
      {
        Sid: "ReadEventRules",
        Effect: "Allow",
        Action: ["events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource"],
        Resource: s.eventRules,
      },
      { Sid: "ReadPipelines", Effect: "Allow", Action: ["codepipeline:GetPipeline", "codepipeline:ListTagsForResource"], Resource: s.pipelines },
      { Sid: "ReadProjects", Effect: "Allow", Action: ["codebuild:BatchGetProjects"], Resource: s.projects },
      {
        Sid: "ReadTopics",
        Effect: "Allow",
        Action: ["sns:GetTopicAttributes", "sns:ListTagsForResource", "sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic"],
        Resource: s.topics,
      },
      { Sid: "ReadAlarms", Effect: "Allow", Action: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"], Resource: s.alarms },
      {
        Sid: "ReadRepositories",
        Effect: "Allow",
        Action: ["ecr:DescribeRepositories", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource"],
        Resource: s.repositories,
      },
      { Sid: "ReadFunctionExtras", Effect: "Allow", Action: ["lambda:GetFunctionUrlConfig", "lambda:GetFunctionEventInvokeConfig"], Resource: s.functions },
      { Sid: "ReadWebAcls", Effect: "Allow", Action: ["wafv2:GetWebACL", "wafv2:GetLoggingConfiguration", "wafv2:ListTagsForResource"], Resource: s.webAcls },
      // These support no resource type (Service Authorization Reference).
      { Sid: "DescribeWithoutResourceType", Effect: "Allow", Action: ["logs:DescribeLogGroups", "ssm:DescribeParameters"], Resource: "*" },
      ...stateStatements(p.state, p.accountId, false, p.planLocks ?? false),
    ],
  };
}

/** Role writes the apply role makes only on roles carrying the environment's boundary. */
const BOUNDED_ROLE_WRITES = ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"];

/**
 * What `terraform apply` of this stack needs: create, change and delete the stack's resource types, scoped to the
 * environment's account and to names starting with `<env>-` where the service has names in its ARNs. CloudFront ARNs
 * carry ids, not names, so CloudFront is scoped to the account. Buckets and log groups: the names this project makes.
 *
 * Roles: created, given policies and boundaries only when they carry the environment's permissions boundary
 * (modules/permissions-boundary.ts), so no role the apply role makes can do more than the boundary; the shared guard
 * denies changes to the deploy roles themselves, to the boundary, to the state bucket, and the attachment of any
 * policy from outside the environment (AWS-managed ones only from the allow-list).
 */
export function applyPolicy(p: InfraDeployRolesProps): PolicyDocument {
  const s = scope(p);
  const boundary = permissionsBoundaryArn(p.accountId, p.envName);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ManageCloudFront",
        Effect: "Allow",
        Action: [
          "cloudfront:Create*",
          "cloudfront:Update*",
          "cloudfront:Delete*",
          "cloudfront:Get*",
          "cloudfront:Describe*",
          "cloudfront:List*",
          "cloudfront:PublishFunction",
          "cloudfront:TagResource",
          "cloudfront:UntagResource",
          "cloudfront:AssociateAlias",
        ],
        Resource: s.cloudfront,
      },
      // CloudFront's create calls name no resource type, so "*" is the only resource that authorizes them
      // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudfront.html).
      {
        Sid: "CreateCloudFrontResources",
        Effect: "Allow",
        Action: [
          "cloudfront:CreateDistribution",
          "cloudfront:CreateFunction",
          "cloudfront:CreateOriginAccessControl",
          "cloudfront:CreateContinuousDeploymentPolicy",
          "cloudfront:CreateResponseHeadersPolicy",
          "cloudfront:CreateKeyValueStore",
        ],
        Resource: "*",
      },
      // Removing ownership controls, encryption or a public access block is authorized by the matching s3:Put* action.
      { Sid: "CreateBuckets", Effect: "Allow", Action: ["s3:CreateBucket"], Resource: s.buckets },
      {
        Sid: "ManageBuckets",
        Effect: "Allow",
        Action: [
          "s3:DeleteBucket",
          "s3:DeleteBucketPolicy",
          "s3:ListBucket",
          "s3:ListBucketVersions",
          "s3:GetBucket*",
          "s3:PutBucket*",
          "s3:GetAccelerateConfiguration",
          "s3:GetLifecycleConfiguration",
          "s3:PutLifecycleConfiguration",
          "s3:GetReplicationConfiguration",
          "s3:PutReplicationConfiguration",
          "s3:GetEncryptionConfiguration",
          "s3:PutEncryptionConfiguration",
        ],
        Resource: s.buckets,
        Condition: inAccount(p.accountId),
      },
      {
        Sid: "ReadOtherBucketsConfiguration",
        Effect: "Allow",
        Action: ["s3:ListBucket", "s3:GetBucket*", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:GetEncryptionConfiguration"],
        Resource: s.anyBucket,
        Condition: inAccount(p.accountId),
      },
      {
        Sid: "ManageRolesUnderTheBoundary",
        Effect: "Allow",
        Action: BOUNDED_ROLE_WRITES,
        Resource: s.roles,
        Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
      },
      {
        Sid: "ManageRoles",
        Effect: "Allow",
        Action: [
          "iam:DeleteRole",
          "iam:GetRole",
          "iam:UpdateRole",
          "iam:UpdateRoleDescription",
          "iam:UpdateAssumeRolePolicy",
          "iam:TagRole",
          "iam:UntagRole",
          "iam:ListRoleTags",
          "iam:ListRolePolicies",
          "iam:GetRolePolicy",
          "iam:DeleteRolePolicy",
          "iam:ListAttachedRolePolicies",
          "iam:DetachRolePolicy",
          "iam:ListInstanceProfilesForRole",
        ],
        Resource: s.roles,
      },
      {
        Sid: "PassRolesToTheStacksServices",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: s.roles,
        Condition: {
          StringEquals: {
            "iam:PassedToService": [
              "lambda.amazonaws.com",
              "states.amazonaws.com",
              "codebuild.amazonaws.com",
              "codepipeline.amazonaws.com",
              "events.amazonaws.com",
            ],
          },
        },
      },
      {
        Sid: "ManagePolicies",
        Effect: "Allow",
        Action: [
          "iam:CreatePolicy",
          "iam:DeletePolicy",
          "iam:GetPolicy",
          "iam:GetPolicyVersion",
          "iam:ListPolicyVersions",
          "iam:CreatePolicyVersion",
          "iam:DeletePolicyVersion",
          "iam:SetDefaultPolicyVersion",
          "iam:TagPolicy",
          "iam:UntagPolicy",
          "iam:ListPolicyTags",
        ],
        Resource: s.policies,
      },
      {
        Sid: "ManageOidcProvider",
        Effect: "Allow",
        Action: [
          "iam:CreateOpenIDConnectProvider",
          "iam:DeleteOpenIDConnectProvider",
          "iam:GetOpenIDConnectProvider",
          "iam:TagOpenIDConnectProvider",
          "iam:UntagOpenIDConnectProvider",
          "iam:AddClientIDToOpenIDConnectProvider",
          "iam:RemoveClientIDFromOpenIDConnectProvider",
          "iam:UpdateOpenIDConnectProviderThumbprint",
        ],
        Resource: s.oidcProvider,
      },
      {
        Sid: "ManageLogGroups",
        Effect: "Allow",
        Action: [
          "logs:CreateLogGroup",
          "logs:DeleteLogGroup",
          "logs:PutRetentionPolicy",
          "logs:DeleteRetentionPolicy",
          "logs:AssociateKmsKey",
          "logs:DisassociateKmsKey",
          "logs:TagResource",
          "logs:UntagResource",
          "logs:TagLogGroup",
          "logs:UntagLogGroup",
          "logs:ListTagsForResource",
          "logs:ListTagsLogGroup",
        ],
        Resource: s.ownLogGroups,
      },
      { Sid: "ReadLogGroups", Effect: "Allow", Action: ["logs:ListTagsForResource", "logs:ListTagsLogGroup"], Resource: s.logGroups },
      {
        Sid: "ManageFunctions",
        Effect: "Allow",
        Action: [
          "lambda:CreateFunction",
          "lambda:DeleteFunction",
          "lambda:GetFunction",
          "lambda:GetFunctionConfiguration",
          "lambda:GetFunctionCodeSigningConfig",
          "lambda:UpdateFunctionCode",
          "lambda:UpdateFunctionConfiguration",
          "lambda:ListVersionsByFunction",
          "lambda:AddPermission",
          "lambda:RemovePermission",
          "lambda:GetPolicy",
          "lambda:TagResource",
          "lambda:UntagResource",
          "lambda:ListTags",
          "lambda:CreateFunctionUrlConfig",
          "lambda:UpdateFunctionUrlConfig",
          "lambda:DeleteFunctionUrlConfig",
          "lambda:GetFunctionUrlConfig",
          "lambda:PutFunctionEventInvokeConfig",
          "lambda:UpdateFunctionEventInvokeConfig",
          "lambda:DeleteFunctionEventInvokeConfig",
          "lambda:GetFunctionEventInvokeConfig",
        ],
        Resource: s.functions,
      },
      {
        Sid: "ManageEventSourceMappings",
        Effect: "Allow",
        Action: ["lambda:GetEventSourceMapping", "lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping"],
        Resource: s.eventSourceMappings,
      },
      {
        Sid: "CreateEventSourceMappingsForTheStacksFunctions",
        Effect: "Allow",
        Action: ["lambda:CreateEventSourceMapping"],
        Resource: "*",
        Condition: { ArnLike: { "lambda:FunctionArn": s.functions } },
      },
      {
        Sid: "ManageQueues",
        Effect: "Allow",
        Action: [
          "sqs:CreateQueue",
          "sqs:DeleteQueue",
          "sqs:GetQueueAttributes",
          "sqs:SetQueueAttributes",
          "sqs:GetQueueUrl",
          "sqs:TagQueue",
          "sqs:UntagQueue",
          "sqs:ListQueueTags",
        ],
        Resource: s.queues,
      },
      {
        Sid: "ManageTopics",
        Effect: "Allow",
        Action: [
          "sns:CreateTopic",
          "sns:DeleteTopic",
          "sns:GetTopicAttributes",
          "sns:SetTopicAttributes",
          "sns:TagResource",
          "sns:UntagResource",
          "sns:ListTagsForResource",
          "sns:Subscribe",
          "sns:Unsubscribe",
          "sns:GetSubscriptionAttributes",
          "sns:SetSubscriptionAttributes",
          "sns:ListSubscriptionsByTopic",
        ],
        Resource: s.topics,
      },
      {
        Sid: "ManageAlarms",
        Effect: "Allow",
        Action: [
          "cloudwatch:PutMetricAlarm",
          "cloudwatch:DeleteAlarms",
          "cloudwatch:DescribeAlarms",
          "cloudwatch:TagResource",
          "cloudwatch:UntagResource",
          "cloudwatch:ListTagsForResource",
        ],
        Resource: s.alarms,
      },
      {
        Sid: "ManageRepositories",
        Effect: "Allow",
        Action: [
          "ecr:CreateRepository",
          "ecr:DeleteRepository",
          "ecr:DescribeRepositories",
          "ecr:PutImageScanningConfiguration",
          "ecr:PutImageTagMutability",
          "ecr:PutLifecyclePolicy",
          "ecr:DeleteLifecyclePolicy",
          "ecr:GetLifecyclePolicy",
          "ecr:SetRepositoryPolicy",
          "ecr:DeleteRepositoryPolicy",
          "ecr:GetRepositoryPolicy",
          "ecr:TagResource",
          "ecr:UntagResource",
          "ecr:ListTagsForResource",
        ],
        Resource: s.repositories,
      },
      {
        Sid: "ManageParameters",
        Effect: "Allow",
        Action: [
          "ssm:PutParameter",
          "ssm:DeleteParameter",
          "ssm:GetParameter",
          "ssm:GetParameters",
          "ssm:AddTagsToResource",
          "ssm:RemoveTagsFromResource",
          "ssm:ListTagsForResource",
        ],
        Resource: s.parameters,
      },
      {
        Sid: "ManageEventRules",
        Effect: "Allow",
        Action: [
          "events:PutRule",
          "events:DeleteRule",
          "events:DescribeRule",
          "events:PutTargets",
          "events:RemoveTargets",
          "events:ListTargetsByRule",
          "events:TagResource",
          "events:UntagResource",
          "events:ListTagsForResource",
        ],
        Resource: s.eventRules,
      },
      {
        Sid: "ManageStateMachines",
        Effect: "Allow",
        Action: [
          "states:CreateStateMachine",
          "states:DeleteStateMachine",
          "states:DescribeStateMachine",
          "states:UpdateStateMachine",
          "states:ListStateMachineVersions",
          "states:TagResource",
          "states:UntagResource",
          "states:ListTagsForResource",
        ],
        Resource: s.stateMachines,
      },
      {
        Sid: "ManagePipelines",
        Effect: "Allow",
        Action: [
          "codepipeline:CreatePipeline",
          "codepipeline:DeletePipeline",
          "codepipeline:GetPipeline",
          "codepipeline:UpdatePipeline",
          "codepipeline:TagResource",
          "codepipeline:UntagResource",
          "codepipeline:ListTagsForResource",
        ],
        Resource: s.pipelines,
      },
      {
        Sid: "ManageProjects",
        Effect: "Allow",
        Action: ["codebuild:CreateProject", "codebuild:DeleteProject", "codebuild:UpdateProject", "codebuild:BatchGetProjects"],
        Resource: s.projects,
      },
      {
        Sid: "ManageWebAcls",
        Effect: "Allow",
        Action: [
          "wafv2:CreateWebACL",
          "wafv2:UpdateWebACL",
          "wafv2:DeleteWebACL",
          "wafv2:GetWebACL",
          "wafv2:PutLoggingConfiguration",
          "wafv2:DeleteLoggingConfiguration",
          "wafv2:GetLoggingConfiguration",
          "wafv2:TagResource",
          "wafv2:UntagResource",
          "wafv2:ListTagsForResource",
        ],
        Resource: s.webAcls,
      },
      // CloudFront checks that the caller may read a web ACL it associates, which may be managed elsewhere.
      {
        Sid: "ReadWebAclsToAssociate",
        Effect: "Allow",
        Action: ["wafv2:GetWebACL"],
        Resource: regionalArn("wafv2", "us-east-1", p.accountId, "global/webacl/*"),
      },
      {
        Sid: "PassSourceConnections",
        Effect: "Allow",
        Action: ["codestar-connections:PassConnection", "codeconnections:PassConnection"],
        Resource: s.connections,
      },
      // These support no resource type (Service Authorization Reference).
      {
        Sid: "WithoutResourceType",
        Effect: "Allow",
        Action: [
          "logs:DescribeLogGroups",
          "logs:DescribeResourcePolicies",
          "logs:CreateLogDelivery",
          "logs:DeleteLogDelivery",
          "logs:GetLogDelivery",
          "logs:UpdateLogDelivery",
          "logs:ListLogDeliveries",
          "logs:PutResourcePolicy",
          "ssm:DescribeParameters",
          "states:ValidateStateMachineDefinition",
        ],
        Resource: "*",
      },
      ...stateStatements(p.state, p.accountId, true, true),
      ...boundaryGuardStatements({
        envName: p.envName,
        accountId: p.accountId,
        protectedRoleNames: [infraRoleName(p.envName, InfraRoleKind.PLAN), infraRoleName(p.envName, InfraRoleKind.APPLY)],
        stateBucket: p.state?.bucket,
        allowedAwsManagedPolicyArns: p.allowedAwsManagedPolicyArns,
        recordBuckets: p.recordBuckets,
      }),
    ],
  };
}

/**
 * The infrastructure team's GitHub Actions roles for one environment: `<env>-edge-infra-plan` (read-only, for
 * pull-request plans) and `<env>-edge-infra-apply` (for applies on main), each trusted only by jobs of this
 * repository (pinned by numeric ids) running in its own GitHub environment and workflow (`job_workflow_ref`).
 *
 * Owns: both roles' names, trust, session length and inline policies. Bootstrapping: the apply that creates them,
 * and every later change to them or to the permissions boundary, runs with an administrator's credentials: the
 * boundary denies the apply role any change to the deploy roles (docs/security.md).
 */
export class InfraDeployRoles extends Construct {
  readonly roles = new Map<InfraRoleKind, IamRole>();

  constructor(scope: Construct, id: string, props: InfraDeployRolesProps) {
    super(scope, id);
    const hours = props.maxSessionHours ?? 1;
    if (!Number.isInteger(hours) || hours < 1 || hours > 12)
      throw new ConstructError(this.node.path, `deploy roles' maxSessionHours must be a whole number from 1 to 12, is ${hours}`);
    if (props.planEnvironment === props.applyEnvironment)
      throw new ConstructError(this.node.path, `the plan and apply roles must trust different GitHub environments (both are "${props.planEnvironment}")`);
    const make = (
      kind: InfraRoleKind,
      environment: string,
      policy: PolicyDocument,
      description: string,
      workflows?: { exact?: string; like?: readonly string[] },
    ) => {
      const name = infraRoleName(props.envName, kind);
      const role = new IamRole(this, kind, {
        name,
        description,
        assumeRolePolicy: policyJson(infraTrustPolicy(props, environment, workflows)),
        maxSessionDuration: hours * 3600,
        dependsOn: props.oidcProvider ? [props.oidcProvider] : undefined,
      });
      new IamRolePolicy(this, `${kind}-policy`, { name: `${name}-permissions`, role: role.name, policy: policyJson(policy) });
      new TerraformOutput(this, `${kind}-role-arn`, {
        value: iamRoleArn(props.accountId, name),
        description: `${name}: role ARN (GitHub environment ${environment})`,
      }).overrideLogicalId(`infra_${kind}_role_arn`);
      this.roles.set(kind, role);
    };
    make(
      InfraRoleKind.PLAN,
      props.planEnvironment,
      planPolicy(props),
      `Read-only terraform plan of ${props.envName} from ${props.repository} pull requests (GitHub environment ${props.planEnvironment})`,
      { like: props.planWorkflowRefs },
    );
    make(
      InfraRoleKind.APPLY,
      props.applyEnvironment,
      applyPolicy(props),
      `terraform apply of ${props.envName} from ${props.repository} main (GitHub environment ${props.applyEnvironment})`,
      { exact: props.applyWorkflowRef },
    );
  }
}
