import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { infraFunctionDenyStatement } from "./app-team-guards";
import { appTeamPolicyName, cf2LogGroupName, cloudfrontFunctionArn, iamPolicyArn, iamRoleArn, regionalArn } from "../../model/names";
import { policyJson, type PolicyDocument } from "../blocks/policy";

/**
 * The name prefix every application-team resource carries, written with the principal tags of the caller. Function
 * names are `<env>-<sid>-<name>` and log groups `/aws/cloudfront/function/<function name>`; env and sid contain no
 * hyphen (config/environment.ts), so `dev-shop-*` can never match a function of sid "shop2" or env "dev2".
 */
export const PRINCIPAL_PREFIX = "${aws:PrincipalTag/environment}-${aws:PrincipalTag/sid}";

/** CloudFront Function actions on the team's own functions (resource type `function`). */
export const FUNCTION_ACTIONS = [
  "cloudfront:DescribeFunction",
  "cloudfront:GetFunction",
  "cloudfront:UpdateFunction",
  "cloudfront:TestFunction",
  "cloudfront:PublishFunction",
] as const;

/** Log actions on the team's own function log groups (resource type `log-group`, GetLogEvents `log-stream`). */
export const LOG_GROUP_ACTIONS = [
  "logs:DescribeLogStreams",
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
  "logs:StartQuery",
  "logs:GetQueryResults",
  "logs:GetLogGroupFields",
  "logs:GetLogRecord",
] as const;

/** Actions that can name no resource (IAM Service Authorization Reference), so `*` is their only resource. */
export const UNSCOPABLE_ACTIONS = ["cloudfront:ListFunctions", "logs:DescribeLogGroups", "logs:DescribeQueries", "logs:StopQuery"] as const;

/** What stays with the infrastructure team, denied explicitly so that a broader policy attached later cannot grant it. */
export const INFRASTRUCTURE_ONLY_ACTIONS = [
  "cloudfront:CreateFunction",
  "cloudfront:DeleteFunction",
  "cloudfront:CreateDistribution",
  "cloudfront:UpdateDistribution",
  "cloudfront:DeleteDistribution",
  "cloudfront:CopyDistribution",
  "cloudfront:UpdateDistributionWithStagingConfig",
  "logs:CreateLogGroup",
  "logs:DeleteLogGroup",
  "logs:PutRetentionPolicy",
  "logs:DeleteRetentionPolicy",
] as const;

/** Changes to a role's tags, trust or policies: a role that could re-tag itself could reach another sid. */
export const ROLE_CHANGE_ACTIONS = [
  "iam:TagRole",
  "iam:UntagRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
  "iam:UpdateRole",
  "iam:DeleteRole",
] as const;

/** Changes to the shared policy itself. */
export const POLICY_CHANGE_ACTIONS = [
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:DeletePolicyVersion",
  "iam:DeletePolicy",
  "iam:TagPolicy",
  "iam:UntagPolicy",
] as const;

/**
 * The attribute-based policy every application-team role of an environment shares. It names no environment or
 * product: the caller's role tags `environment` and `sid` fill in `${aws:PrincipalTag/...}`, so one policy serves
 * every product, and a role without those tags matches nothing.
 */
export function appTeamPolicyDocument(
  accountId: string,
  policyName: string,
  guards: { infraOwnedFunctionNames?: readonly string[]; otherProtectedPolicyNames?: readonly string[] } = {},
): PolicyDocument {
  const infraDeny = infraFunctionDenyStatement(accountId, guards.infraOwnedFunctionNames ?? []);
  const logGroup = regionalArn("logs", "us-east-1", accountId, `log-group:${cf2LogGroupName(`${PRINCIPAL_PREFIX}-*`)}`);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "OwnFunctions",
        Effect: "Allow",
        Action: [...FUNCTION_ACTIONS],
        Resource: cloudfrontFunctionArn(accountId, `${PRINCIPAL_PREFIX}-*`),
      },
      ...(infraDeny ? [infraDeny] : []),
      {
        // Both spellings: log-group actions are checked against the group ARN, and historically against the
        // group ARN with ":*" (":log-stream:"); GetLogEvents against the stream ARN.
        Sid: "OwnFunctionLogs",
        Effect: "Allow",
        Action: [...LOG_GROUP_ACTIONS],
        Resource: [logGroup, `${logGroup}:*`],
      },
      {
        Sid: "ListFunctionsAndLogGroups",
        Effect: "Allow",
        Action: [...UNSCOPABLE_ACTIONS],
        Resource: "*",
      },
      {
        Sid: "InfrastructureOnly",
        Effect: "Deny",
        Action: [...INFRASTRUCTURE_ONLY_ACTIONS],
        Resource: "*",
      },
      {
        // Every role, not only these: an application team never changes IAM roles.
        Sid: "NoRoleChanges",
        Effect: "Deny",
        Action: [...ROLE_CHANGE_ACTIONS],
        Resource: iamRoleArn(accountId, "*"),
      },
      {
        Sid: "NoChangesToThisPolicy",
        Effect: "Deny",
        Action: [...POLICY_CHANGE_ACTIONS],
        Resource: [policyName, ...(guards.otherProtectedPolicyNames ?? [])].map((name) => iamPolicyArn(accountId, name)),
      },
    ],
  };
}

export interface AppTeamPolicyProps {
  /** Environment name, for the policy name. */
  readonly envName: string;
  /** The account that holds the functions, log groups and roles. */
  readonly accountId: string;
  /** AWS names of the environment's infrastructure-owned functions (manifests with owner "infra"); denied to teams. @default none */
  readonly infraOwnedFunctionNames?: readonly string[];
  /** Other policies attached to the team roles (e.g. the console restriction) that the roles may not change either. @default none */
  readonly otherProtectedPolicyNames?: readonly string[];
}

/**
 * One customer-managed policy per environment that every maintenance and CI/CD role there attaches
 * (modules/access/app-team-roles.ts).
 *
 * Owns: the policy's name, description and document. Nothing an application team does changes it (the policy
 * denies them any change to it).
 */
export class AppTeamPolicy extends Construct {
  readonly policy: IamPolicy;
  /** The policy's ARN, literal (known at plan time; attachments depend on `policy` for ordering). */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: AppTeamPolicyProps) {
    super(scope, id);
    const name = appTeamPolicyName(props.envName);
    this.arn = iamPolicyArn(props.accountId, name);
    this.policy = new IamPolicy(this, "policy", {
      name,
      description: `CloudFront Functions and their logs of the caller's own environment and sid (principal tags)`,
      // policyJson escapes ${aws:PrincipalTag/...} as $${...}, which Terraform turns back into ${...}.
      policy: policyJson(appTeamPolicyDocument(props.accountId, name, props)),
    });
  }
}
