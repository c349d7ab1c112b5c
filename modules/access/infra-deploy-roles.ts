import { TerraformOutput, type ITerraformDependable } from "cdktn";
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InfraRoleKind, infraRoleName } from "../../model/deploy-roles";
import { ConstructError } from "../../model/errors";
import {
  codebuildProjectArn,
  codepipelineArn,
  connectionArnPatterns,
  dynamodbTableArn,
  eventRuleArn,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  githubOidcProviderArn,
  githubSubject,
  globalArn,
  iamPolicyArn,
  iamRoleArn,
  lambdaFunctionArn,
  regionalArn,
  s3BucketArn,
  s3ObjectArn,
  sqsQueueArn,
  ssmParameterArn,
  stateMachineArn,
} from "../../model/names";
import { policyJson, type PolicyDocument, type PolicyStatement } from "../blocks/policy";

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
}

/**
 * Trust for one GitHub environment of this repository: `aud` and `sub` exact, and the repository's and owner's
 * numeric ids pinned, so a repository re-created under the same name (or an owner renamed into it) gets nothing.
 * GitHub documents the claims (https://docs.github.com/en/actions/reference/security/oidc#understanding-the-oidc-token);
 * IAM accepts them as `token.actions.githubusercontent.com:<claim>` condition keys
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif).
 */
export function infraTrustPolicy(p: Pick<InfraDeployRolesProps, "oidcProviderArn" | "repository" | "repositoryId" | "ownerId">, environment: string): PolicyDocument {
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
          },
        },
      },
    ],
  };
}

/** ARN patterns of what one environment's stack manages: every name starts with `<env>-` (or /aws/.../<env>-). */
function scope(p: InfraDeployRolesProps) {
  const { envName: e, accountId: a, region: r } = p;
  return {
    cloudfront: globalArn("cloudfront", a, "*"),
    // Bucket names are global and may be set freely (sites[].bucketName): any bucket, but only in this account.
    buckets: s3BucketArn("*"),
    roles: iamRoleArn(a, `${e}-*`),
    policies: iamPolicyArn(a, `${e}-*`),
    oidcProvider: githubOidcProviderArn(a),
    // Function logs live in us-east-1, the rest in the main region.
    logGroups: [regionalArn("logs", "us-east-1", a, "log-group:*"), regionalArn("logs", r, a, "log-group:*")],
    functions: lambdaFunctionArn(r, a, `${e}-*`),
    eventSourceMappings: regionalArn("lambda", r, a, "event-source-mapping:*"),
    queues: sqsQueueArn(r, a, `${e}-*`),
    parameters: ssmParameterArn(r, a, `/edge/${e}/*`),
    stateMachines: stateMachineArn(r, a, `${e}-*`),
    // Rules on the default bus (the release flow's rollback rules are `<env>-<sid>-<site>-...`).
    eventRules: eventRuleArn(r, a, `${e}-*`),
    pipelines: codepipelineArn(r, a, `${e}-*`),
    projects: codebuildProjectArn(r, a, `${e}-*`),
    connections: connectionArnPatterns(a),
  };
}

const inAccount = (accountId: string) => ({ StringEquals: { "s3:ResourceAccount": accountId } });

/**
 * Reading the state (both roles); writing it and its lock (apply, or plan with planLocks). The permissions the S3
 * backend documents: https://developer.hashicorp.com/terraform/language/backend/s3#permissions-required
 */
function stateStatements(state: StateLocation | undefined, accountId: string, write: boolean, lock: boolean): PolicyStatement[] {
  if (!state) return [];
  const object = s3ObjectArn(state.bucket, state.key);
  const statements: PolicyStatement[] = [
    { Sid: "StateList", Effect: "Allow", Action: ["s3:ListBucket"], Resource: s3BucketArn(state.bucket), Condition: { StringLike: { "s3:prefix": [state.key, `${state.key}.tflock`] } } },
    { Sid: "StateObject", Effect: "Allow", Action: write ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"], Resource: object },
  ];
  if (lock && state.useLockfile)
    statements.push({ Sid: "StateLockObject", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${object}.tflock` });
  if (lock && state.dynamodbTable)
    statements.push({ Sid: "StateLockTable", Effect: "Allow", Action: ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"], Resource: dynamodbTableArn(state.region, accountId, state.dynamodbTable) });
  if (state.kmsKeyId)
    statements.push({ Sid: "StateKey", Effect: "Allow", Action: write ? ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"], Resource: state.kmsKeyId });
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
      { Sid: "ReadCloudFront", Effect: "Allow", Action: ["cloudfront:GetDistribution", "cloudfront:GetDistributionConfig", "cloudfront:ListTagsForResource", "cloudfront:GetOriginAccessControl", "cloudfront:DescribeFunction", "cloudfront:GetFunction", "cloudfront:GetContinuousDeploymentPolicy"], Resource: s.cloudfront },
      { Sid: "ReadBucketConfiguration", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucket*", "s3:GetAccelerateConfiguration", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:GetEncryptionConfiguration"], Resource: s.buckets, Condition: inAccount(p.accountId) },
      { Sid: "ReadRoles", Effect: "Allow", Action: ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRoleTags"], Resource: s.roles },
      { Sid: "ReadPolicies", Effect: "Allow", Action: ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListPolicyTags"], Resource: s.policies },
      { Sid: "ReadOidcProvider", Effect: "Allow", Action: ["iam:GetOpenIDConnectProvider"], Resource: s.oidcProvider },
      { Sid: "ReadLogGroups", Effect: "Allow", Action: ["logs:ListTagsForResource", "logs:ListTagsLogGroup"], Resource: s.logGroups },
      { Sid: "ReadFunctions", Effect: "Allow", Action: ["lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig", "lambda:ListVersionsByFunction", "lambda:GetPolicy", "lambda:ListTags"], Resource: s.functions },
      { Sid: "ReadEventSourceMappings", Effect: "Allow", Action: ["lambda:GetEventSourceMapping"], Resource: s.eventSourceMappings },
      { Sid: "ReadQueues", Effect: "Allow", Action: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"], Resource: s.queues },
      { Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:ListTagsForResource"], Resource: s.parameters },
      { Sid: "ReadStateMachines", Effect: "Allow", Action: ["states:DescribeStateMachine", "states:ListTagsForResource"], Resource: s.stateMachines },
      { Sid: "ReadEventRules", Effect: "Allow", Action: ["events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource"], Resource: s.eventRules },
      { Sid: "ReadPipelines", Effect: "Allow", Action: ["codepipeline:GetPipeline", "codepipeline:ListTagsForResource"], Resource: s.pipelines },
      { Sid: "ReadProjects", Effect: "Allow", Action: ["codebuild:BatchGetProjects"], Resource: s.projects },
      // These support no resource type (Service Authorization Reference).
      { Sid: "DescribeWithoutResourceType", Effect: "Allow", Action: ["logs:DescribeLogGroups", "ssm:DescribeParameters"], Resource: "*" },
      ...stateStatements(p.state, p.accountId, false, p.planLocks ?? false),
    ],
  };
}

/**
 * What `terraform apply` of this stack needs: create, change and delete the stack's resource types, scoped to the
 * environment's account and to names starting with `<env>-` where the service has names in its ARNs. CloudFront ARNs
 * carry ids, not names, so CloudFront is scoped to the account; S3 bucket names are free (sites[].bucketName), so
 * buckets are scoped by s3:ResourceAccount. The role can change IAM roles and policies named `<env>-*` (the stack
 * manages them, this role included), so whoever can run the apply job can grant `<env>-*` roles anything: the
 * GitHub environment's required reviewers are the control.
 */
export function applyPolicy(p: InfraDeployRolesProps): PolicyDocument {
  const s = scope(p);
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ManageCloudFront", Effect: "Allow", Action: ["cloudfront:Create*", "cloudfront:Update*", "cloudfront:Delete*", "cloudfront:Get*", "cloudfront:Describe*", "cloudfront:PublishFunction", "cloudfront:ListTagsForResource", "cloudfront:TagResource", "cloudfront:UntagResource"], Resource: s.cloudfront },
      // Removing ownership controls, encryption or a public access block is authorized by the matching s3:Put* action.
      { Sid: "CreateBuckets", Effect: "Allow", Action: ["s3:CreateBucket"], Resource: s.buckets },
      { Sid: "ManageBuckets", Effect: "Allow", Action: ["s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:ListBucket", "s3:GetBucket*", "s3:PutBucket*", "s3:GetAccelerateConfiguration", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration"], Resource: s.buckets, Condition: inAccount(p.accountId) },
      { Sid: "ManageRoles", Effect: "Allow", Action: ["iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:ListRoleTags", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:ListAttachedRolePolicies", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListInstanceProfilesForRole"], Resource: s.roles },
      { Sid: "PassRolesToTheStacksServices", Effect: "Allow", Action: ["iam:PassRole"], Resource: s.roles, Condition: { StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com", "states.amazonaws.com", "codebuild.amazonaws.com", "codepipeline.amazonaws.com", "events.amazonaws.com"] } } },
      { Sid: "ManagePolicies", Effect: "Allow", Action: ["iam:CreatePolicy", "iam:DeletePolicy", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy", "iam:ListPolicyTags"], Resource: s.policies },
      { Sid: "ManageOidcProvider", Effect: "Allow", Action: ["iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:GetOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider", "iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint"], Resource: s.oidcProvider },
      { Sid: "ManageLogGroups", Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:UntagLogGroup", "logs:ListTagsForResource", "logs:ListTagsLogGroup"], Resource: s.logGroups },
      { Sid: "ManageFunctions", Effect: "Allow", Action: ["lambda:CreateFunction", "lambda:DeleteFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:ListVersionsByFunction", "lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy", "lambda:TagResource", "lambda:UntagResource", "lambda:ListTags"], Resource: s.functions },
      { Sid: "ManageEventSourceMappings", Effect: "Allow", Action: ["lambda:GetEventSourceMapping", "lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping"], Resource: s.eventSourceMappings },
      { Sid: "CreateEventSourceMappingsForTheStacksFunctions", Effect: "Allow", Action: ["lambda:CreateEventSourceMapping"], Resource: "*", Condition: { ArnLike: { "lambda:FunctionArn": s.functions } } },
      { Sid: "ManageQueues", Effect: "Allow", Action: ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:GetQueueUrl", "sqs:TagQueue", "sqs:UntagQueue", "sqs:ListQueueTags"], Resource: s.queues },
      { Sid: "ManageParameters", Effect: "Allow", Action: ["ssm:PutParameter", "ssm:DeleteParameter", "ssm:GetParameter", "ssm:GetParameters", "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:ListTagsForResource"], Resource: s.parameters },
      { Sid: "ManageEventRules", Effect: "Allow", Action: ["events:PutRule", "events:DeleteRule", "events:DescribeRule", "events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule", "events:TagResource", "events:UntagResource", "events:ListTagsForResource"], Resource: s.eventRules },
      { Sid: "ManageStateMachines", Effect: "Allow", Action: ["states:CreateStateMachine", "states:DeleteStateMachine", "states:DescribeStateMachine", "states:UpdateStateMachine", "states:ListStateMachineVersions", "states:TagResource", "states:UntagResource", "states:ListTagsForResource"], Resource: s.stateMachines },
      { Sid: "ManagePipelines", Effect: "Allow", Action: ["codepipeline:CreatePipeline", "codepipeline:DeletePipeline", "codepipeline:GetPipeline", "codepipeline:UpdatePipeline", "codepipeline:TagResource", "codepipeline:UntagResource", "codepipeline:ListTagsForResource"], Resource: s.pipelines },
      { Sid: "ManageProjects", Effect: "Allow", Action: ["codebuild:CreateProject", "codebuild:DeleteProject", "codebuild:UpdateProject", "codebuild:BatchGetProjects"], Resource: s.projects },
      { Sid: "PassSourceConnections", Effect: "Allow", Action: ["codestar-connections:PassConnection", "codeconnections:PassConnection"], Resource: s.connections },
      // These support no resource type (Service Authorization Reference).
      { Sid: "WithoutResourceType", Effect: "Allow", Action: ["logs:DescribeLogGroups", "ssm:DescribeParameters", "states:ValidateStateMachineDefinition"], Resource: "*" },
      ...stateStatements(p.state, p.accountId, true, true),
    ],
  };
}

/**
 * The infrastructure team's GitHub Actions roles for one environment: `<env>-edge-infra-plan` (read-only, for
 * pull-request plans) and `<env>-edge-infra-apply` (for applies on main), each trusted only by jobs of this
 * repository (pinned by numeric ids) running in its own GitHub environment.
 *
 * Owns: both roles' names, trust, session length and inline policies. Bootstrapping: the first apply that creates
 * them runs with an administrator's credentials (README, *Pull-request review and delivery*).
 */
export class InfraDeployRoles extends Construct {
  readonly roles = new Map<InfraRoleKind, IamRole>();

  constructor(scope: Construct, id: string, props: InfraDeployRolesProps) {
    super(scope, id);
    const hours = props.maxSessionHours ?? 1;
    if (!Number.isInteger(hours) || hours < 1 || hours > 12) throw new ConstructError(this.node.path, `deploy roles' maxSessionHours must be a whole number from 1 to 12, is ${hours}`);
    if (props.planEnvironment === props.applyEnvironment)
      throw new ConstructError(this.node.path, `the plan and apply roles must trust different GitHub environments (both are "${props.planEnvironment}")`);
    const make = (kind: InfraRoleKind, environment: string, policy: PolicyDocument, description: string) => {
      const name = infraRoleName(props.envName, kind);
      const role = new IamRole(this, kind, {
        name,
        description,
        assumeRolePolicy: policyJson(infraTrustPolicy(props, environment)),
        maxSessionDuration: hours * 3600,
        dependsOn: props.oidcProvider ? [props.oidcProvider] : undefined,
      });
      new IamRolePolicy(this, `${kind}-policy`, { name: `${name}-permissions`, role: role.name, policy: policyJson(policy) });
      new TerraformOutput(this, `${kind}-role-arn`, { value: iamRoleArn(props.accountId, name), description: `${name}: role ARN (GitHub environment ${environment})` }).overrideLogicalId(`infra_${kind}_role_arn`);
      this.roles.set(kind, role);
    };
    make(InfraRoleKind.PLAN, props.planEnvironment, planPolicy(props), `Read-only terraform plan of ${props.envName} from ${props.repository} pull requests (GitHub environment ${props.planEnvironment})`);
    make(InfraRoleKind.APPLY, props.applyEnvironment, applyPolicy(props), `terraform apply of ${props.envName} from ${props.repository} main (GitHub environment ${props.applyEnvironment})`);
  }
}
