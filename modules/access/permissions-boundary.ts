/**
 * The environment's permissions boundary: one customer-managed policy `<env>-edge-permissions-boundary` that every
 * IAM role the stack creates carries (an aspect over the whole stack, so roles added by later modules are covered),
 * and the deny statements the apply role shares with it.
 *
 * A permissions boundary caps what a role's identity policies can grant: a request is allowed only when both the
 * identity policy and the boundary allow it, and an explicit deny in either wins
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html). The apply role may create and
 * change roles only when they carry this boundary (`iam:PermissionsBoundary` condition key,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PermissionsBoundary),
 * so nothing it creates can do more than the boundary, and the boundary forbids changing the deploy roles, the
 * boundary itself and the Terraform state bucket.
 */
import { dependable, type IAspect } from "cdktn";
import type { IConstruct } from "constructs";
import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { githubOidcProviderArn, iamPolicyArn, iamRoleArn, s3BucketArn } from "../../model/names";
import { permissionsBoundaryName } from "../../model/deploy-roles";
import { policyJson, type PolicyDocument, type PolicyStatement } from "../blocks/policy";

export { permissionsBoundaryName };

/**
 * Services whose actions the stack's roles use (their identity policies name the resources; the boundary is only
 * the ceiling, which is why it lists services, not resources). IAM is not among them: its writes are granted below
 * only under the boundary condition.
 */
export const BOUNDED_SERVICES = [
  "cloudfront",
  "cloudfront-keyvaluestore",
  "cloudwatch",
  "codebuild",
  "codeconnections",
  "codepipeline",
  "codestar-connections",
  "dynamodb",
  "ecr",
  "events",
  "kms",
  "lambda",
  "logs",
  "s3",
  "sns",
  "sqs",
  "ssm",
  "states",
  "wafv2",
  "xray",
] as const;

/** Role changes a role must carry the boundary for (the condition key is evaluated on the role being changed). */
export const BOUNDARY_CONDITIONED_ROLE_ACTIONS = ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"] as const;

/** Every write to a role: none of them may touch the deploy roles (they change only with an administrator's credentials). */
export const ROLE_WRITE_ACTIONS = [
  ...BOUNDARY_CONDITIONED_ROLE_ACTIONS,
  "iam:DeleteRole",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:UpdateAssumeRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:DeleteRolePolicy",
  "iam:DetachRolePolicy",
  "iam:DeleteRolePermissionsBoundary",
] as const;

/** Writes to a managed policy: none of them may touch the boundary. */
export const POLICY_WRITE_ACTIONS = [
  "iam:CreatePolicyVersion",
  "iam:DeletePolicy",
  "iam:DeletePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:TagPolicy",
  "iam:UntagPolicy",
] as const;

/** What changes a bucket's protection or existence: denied on the Terraform state bucket. */
export const STATE_BUCKET_DENIED_ACTIONS = [
  "s3:DeleteBucket",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketPolicy",
  "s3:PutBucketAcl",
  "s3:PutBucketVersioning",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketOwnershipControls",
  "s3:PutLifecycleConfiguration",
  "s3:PutEncryptionConfiguration",
  "s3:PutReplicationConfiguration",
  "s3:PutBucketObjectLockConfiguration",
] as const;

/** What would shorten or end the audit trail: denied on the change records bucket. */
export const RECORD_BUCKET_DENIED_ACTIONS = [
  "s3:DeleteBucket",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketObjectLockConfiguration",
  "s3:BypassGovernanceRetention",
] as const;

export interface BoundaryGuardProps {
  /** Environment name: roles and policies the stack may manage are `<env>-*`. */
  readonly envName: string;
  /** The environment's account. */
  readonly accountId: string;
  /** Names of roles nothing in the stack's own deploy path may change (the plan and apply roles). @default none */
  readonly protectedRoleNames?: readonly string[];
  /** The Terraform state bucket, whose policy and existence are denied to every bounded role. @default none (local backend) */
  readonly stateBucket?: string;
  /** Buckets whose deletion, lifecycle and Object Lock no bounded role may change (the change records). @default none */
  readonly recordBuckets?: readonly string[];
  /** AWS-managed policies a role may attach; every other AWS-managed policy is denied. @default none (the stack attaches none) */
  readonly allowedAwsManagedPolicyArns?: readonly string[];
}

/** The boundary's ARN, known before it exists (IAM ARNs carry the name). */
export function permissionsBoundaryArn(accountId: string, envName: string): string {
  return iamPolicyArn(accountId, permissionsBoundaryName(envName));
}

/**
 * The explicit denies shared by the boundary and the apply role's own policy: no change to the deploy roles or the
 * boundary, no role without the boundary, no policy attached from outside the environment (AWS-managed ones only from
 * the allow-list, never the boundary itself as a permission policy), nothing that removes the state bucket or opens it.
 */
export function boundaryGuardStatements(p: BoundaryGuardProps): PolicyStatement[] {
  const boundary = permissionsBoundaryArn(p.accountId, p.envName);
  const statements: PolicyStatement[] = [];
  if (p.protectedRoleNames?.length)
    statements.push({
      Sid: "DenyChangingTheDeployRoles",
      Effect: "Deny",
      Action: [...ROLE_WRITE_ACTIONS, "iam:PassRole"],
      Resource: p.protectedRoleNames.map((n) => iamRoleArn(p.accountId, n)),
    });
  statements.push(
    { Sid: "DenyChangingTheBoundary", Effect: "Deny", Action: [...POLICY_WRITE_ACTIONS], Resource: boundary },
    { Sid: "DenyRemovingABoundary", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary"], Resource: iamRoleArn(p.accountId, "*") },
    {
      Sid: "DenyRolesWithoutTheBoundary",
      Effect: "Deny",
      Action: [...BOUNDARY_CONDITIONED_ROLE_ACTIONS],
      Resource: iamRoleArn(p.accountId, "*"),
      Condition: { StringNotEquals: { "iam:PermissionsBoundary": boundary } },
    },
    {
      Sid: "DenyAttachingPoliciesFromOutsideTheEnvironment",
      Effect: "Deny",
      Action: ["iam:AttachRolePolicy"],
      Resource: iamRoleArn(p.accountId, "*"),
      Condition: { ArnNotLike: { "iam:PolicyARN": [iamPolicyArn(p.accountId, `${p.envName}-*`), ...(p.allowedAwsManagedPolicyArns ?? [])] } },
    },
    {
      Sid: "DenyTheBoundaryAsAPermissionPolicy",
      Effect: "Deny",
      Action: ["iam:AttachRolePolicy"],
      Resource: iamRoleArn(p.accountId, "*"),
      Condition: { ArnEquals: { "iam:PolicyARN": boundary } },
    },
  );
  if (p.stateBucket)
    statements.push({ Sid: "DenyChangingTheStateBucket", Effect: "Deny", Action: [...STATE_BUCKET_DENIED_ACTIONS], Resource: s3BucketArn(p.stateBucket) });
  if (p.recordBuckets?.length)
    statements.push({
      Sid: "DenyShorteningTheRecords",
      Effect: "Deny",
      Action: [...RECORD_BUCKET_DENIED_ACTIONS],
      Resource: p.recordBuckets.map((b) => s3BucketArn(b)),
    });
  return statements;
}

/**
 * The boundary document: the services the stack uses; IAM reads; role and policy writes only under `<env>-*` (role
 * creation and policy writes only for roles carrying this boundary); passing `<env>-*` roles; the guard denies.
 */
export function permissionsBoundaryDocument(p: BoundaryGuardProps): PolicyDocument {
  const roles = iamRoleArn(p.accountId, `${p.envName}-*`);
  const boundary = permissionsBoundaryArn(p.accountId, p.envName);
  return {
    Version: "2012-10-17",
    Statement: [
      // A ceiling, not a grant: every role's identity policy names its resources.
      { Sid: "ServicesTheStackUses", Effect: "Allow", Action: BOUNDED_SERVICES.map((s) => `${s}:*`), Resource: "*" },
      { Sid: "ReadIam", Effect: "Allow", Action: ["iam:Get*", "iam:List*"], Resource: "*" },
      {
        Sid: "RolesUnderTheBoundary",
        Effect: "Allow",
        Action: [...BOUNDARY_CONDITIONED_ROLE_ACTIONS],
        Resource: roles,
        Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
      },
      {
        Sid: "ChangeEnvironmentRoles",
        Effect: "Allow",
        Action: ROLE_WRITE_ACTIONS.filter(
          (a) => !(BOUNDARY_CONDITIONED_ROLE_ACTIONS as readonly string[]).includes(a) && a !== "iam:DeleteRolePermissionsBoundary",
        ),
        Resource: roles,
      },
      { Sid: "PassEnvironmentRoles", Effect: "Allow", Action: ["iam:PassRole"], Resource: roles },
      {
        Sid: "EnvironmentPolicies",
        Effect: "Allow",
        Action: ["iam:CreatePolicy", ...POLICY_WRITE_ACTIONS],
        Resource: iamPolicyArn(p.accountId, `${p.envName}-*`),
      },
      {
        Sid: "GithubOidcProvider",
        Effect: "Allow",
        Action: [
          "iam:CreateOpenIDConnectProvider",
          "iam:DeleteOpenIDConnectProvider",
          "iam:TagOpenIDConnectProvider",
          "iam:UntagOpenIDConnectProvider",
          "iam:AddClientIDToOpenIDConnectProvider",
          "iam:RemoveClientIDFromOpenIDConnectProvider",
          "iam:UpdateOpenIDConnectProviderThumbprint",
        ],
        Resource: githubOidcProviderArn(p.accountId),
      },
      { Sid: "AssumeEnvironmentRoles", Effect: "Allow", Action: ["sts:AssumeRole", "sts:GetCallerIdentity"], Resource: "*" },
      ...boundaryGuardStatements(p),
    ],
  };
}

/** Sets the boundary on every IAM role of the stack (roles created by any module, now or later). */
export class PermissionsBoundaryAspect implements IAspect {
  constructor(
    private readonly arn: string,
    private readonly policy: IamPolicy,
  ) {}

  private readonly done = new WeakSet<IamRole>();

  visit(node: IConstruct): void {
    if (!(node instanceof IamRole) || this.done.has(node)) return;
    this.done.add(node);
    node.permissionsBoundary = this.arn;
    // The literal ARN keeps the role's plan readable; the dependency makes IAM see the policy before the role names it.
    node.dependsOn = [...(node.dependsOn ?? []), dependable(this.policy)];
  }
}

/** One environment's boundary policy. Owns the policy (name, description, document). */
export class PermissionsBoundary extends Construct {
  readonly policy: IamPolicy;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: BoundaryGuardProps) {
    super(scope, id);
    const name = permissionsBoundaryName(props.envName);
    this.arn = permissionsBoundaryArn(props.accountId, props.envName);
    this.policy = new IamPolicy(this, "policy", {
      name,
      description: `Permissions boundary of every role ${props.envName}'s stack creates: the most any of them may do`,
      policy: policyJson(permissionsBoundaryDocument(props)),
    });
  }

  /** The aspect that puts this boundary on every role of a stack. */
  aspect(): IAspect {
    return new PermissionsBoundaryAspect(this.arn, this.policy);
  }
}
