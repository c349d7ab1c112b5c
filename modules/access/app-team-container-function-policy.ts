import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IMAGE_OWNER_TAG, ImageOwner, containerFunctionAppTeamPolicyName } from "../../model/container-function";
import { POLICY_CHANGE_ACTIONS, PRINCIPAL_PREFIX, ROLE_CHANGE_ACTIONS } from "./app-team-policy";
import { policyJson, type PolicyDocument } from "../blocks/policy";
import { lambdaFunctionArn, regionalArn, lambdaLogGroupName, ecrRepositoryArn, ssmParameterArn, iamRoleArn, iamPolicyArn } from "../../model/names";

/** Pushing and pulling images of the team's own repositories (resource type `repository`). */
export const REPOSITORY_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:InitiateLayerUpload",
  "ecr:UploadLayerPart",
  "ecr:CompleteLayerUpload",
  "ecr:PutImage",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
  "ecr:DescribeImages",
  "ecr:ListImages",
  "ecr:DescribeRepositories",
  "ecr:DescribeImageScanFindings",
] as const;

/**
 * Reading the team's container functions: `aws lambda wait` polls GetFunction/GetFunctionConfiguration, and
 * GetFunction returns the tags (the workflow reads `image-owner`) only to callers allowed lambda:ListTags.
 */
export const FUNCTION_READ_ACTIONS = ["lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:ListTags"] as const;

/** Reading the team's function logs (resource type `log-group`, GetLogEvents `log-stream`). */
export const FUNCTION_LOG_ACTIONS = [
  "logs:DescribeLogStreams",
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
  "logs:StartQuery",
  "logs:GetQueryResults",
] as const;

/**
 * Everything structural stays with the infrastructure team, denied explicitly so that a broader policy attached
 * later cannot grant it: functions, their configuration, URLs, permissions and concurrency; repositories, their
 * policies, lifecycle, tag mutability and scanning; deleting images (the lifecycle policy decides, and deleting the
 * running image stops the function); tags (the image-owner tag is what this policy reads); the parameters' existence.
 */
export const LAMBDA_INFRASTRUCTURE_ONLY_ACTIONS = [
  "lambda:CreateFunction",
  "lambda:DeleteFunction",
  "lambda:UpdateFunctionConfiguration",
  "lambda:CreateFunctionUrlConfig",
  "lambda:UpdateFunctionUrlConfig",
  "lambda:DeleteFunctionUrlConfig",
  "lambda:AddPermission",
  "lambda:RemovePermission",
  "lambda:PutFunctionConcurrency",
  "lambda:DeleteFunctionConcurrency",
  "lambda:TagResource",
  "lambda:UntagResource",
  "ecr:CreateRepository",
  "ecr:DeleteRepository",
  "ecr:SetRepositoryPolicy",
  "ecr:DeleteRepositoryPolicy",
  "ecr:PutLifecyclePolicy",
  "ecr:DeleteLifecyclePolicy",
  "ecr:PutImageTagMutability",
  "ecr:PutImageScanningConfiguration",
  "ecr:BatchDeleteImage",
  "ecr:TagResource",
  "ecr:UntagResource",
  "ssm:DeleteParameter",
  "ssm:DeleteParameters",
  "ssm:AddTagsToResource",
  "ssm:RemoveTagsFromResource",
] as const;

/**
 * The attribute-based policy that gives application teams their container functions, next to the CloudFront
 * Function policy on the same roles. Like that one it names no product: `${aws:PrincipalTag/environment}` and
 * `${aws:PrincipalTag/sid}` from the caller's role fill in the names, so a role reaches exactly
 * `<env>-<sid>-*` repositories and functions and `/edge/<env>/<sid>/<name>/image-tag` parameters.
 *
 * Functions are also matched by their `image-owner` tag: reading needs the tag (so the product's other functions,
 * e.g. its invalidators, stay out of reach although they share the prefix), and UpdateFunctionCode needs
 * `image-owner = app` (an infra-owned function's image is deployed from the parameter, so the team writes only
 * that). PutParameter requires `ssm:Overwrite = true`: the team updates its parameters but can never create one.
 */
export function appTeamContainerFunctionPolicyDocument(accountId: string, region: string, policyName: string): PolicyDocument {
  const fn = lambdaFunctionArn(region, accountId, `${PRINCIPAL_PREFIX}-*`);
  const logGroup = regionalArn("logs", region, accountId, `log-group:${lambdaLogGroupName(`${PRINCIPAL_PREFIX}-*`)}`);
  const tagged = (owners: ImageOwner[]) => ({ StringEquals: { [`aws:ResourceTag/${IMAGE_OWNER_TAG}`]: owners.length === 1 ? owners[0] : owners } });
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "OwnRepositories", Effect: "Allow", Action: [...REPOSITORY_ACTIONS], Resource: ecrRepositoryArn(region, accountId, `${PRINCIPAL_PREFIX}-*`) },
      // GetAuthorizationToken has no resource type: `*` is its only possible resource.
      { Sid: "RegistryLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Sid: "ReadOwnContainerFunctions",
        Effect: "Allow",
        Action: [...FUNCTION_READ_ACTIONS],
        Resource: fn,
        Condition: tagged([ImageOwner.APP, ImageOwner.INFRA]),
      },
      { Sid: "DeployOwnAppImages", Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: fn, Condition: tagged([ImageOwner.APP]) },
      {
        Sid: "UpdateOwnImageTags",
        Effect: "Allow",
        Action: "ssm:PutParameter",
        Resource: ssmParameterArn(region, accountId, "/edge/${aws:PrincipalTag/environment}/${aws:PrincipalTag/sid}/*/image-tag"),
        Condition: { StringEquals: { "ssm:Overwrite": "true" } },
      },
      {
        Sid: "ReadOwnImageTags",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameterHistory"],
        Resource: ssmParameterArn(region, accountId, "/edge/${aws:PrincipalTag/environment}/${aws:PrincipalTag/sid}/*/image-tag"),
      },
      { Sid: "OwnFunctionLogs", Effect: "Allow", Action: [...FUNCTION_LOG_ACTIONS], Resource: [logGroup, `${logGroup}:*`] },
      { Sid: "InfrastructureOnly", Effect: "Deny", Action: [...LAMBDA_INFRASTRUCTURE_ONLY_ACTIONS], Resource: "*" },
      { Sid: "NoRoleChanges", Effect: "Deny", Action: [...ROLE_CHANGE_ACTIONS], Resource: iamRoleArn(accountId, "*") },
      { Sid: "NoChangesToThisPolicy", Effect: "Deny", Action: [...POLICY_CHANGE_ACTIONS], Resource: iamPolicyArn(accountId, policyName) },
    ],
  };
}

export interface AppTeamContainerFunctionPolicyProps {
  /** Environment name, for the policy name. */
  readonly envName: string;
  /** The account of the repositories, functions, parameters and roles. */
  readonly accountId: string;
  /** The environment's main region, where the container functions live. */
  readonly region: string;
}

/**
 * One customer-managed policy `<env>-lambda-app-team` per environment with container functions, attached to the
 * maintenance and CI/CD roles of the products that own one (stacks/container-functions.ts).
 *
 * Owns: the policy's name, description and document (the policy denies application teams any change to it).
 */
export class AppTeamContainerFunctionPolicy extends Construct {
  readonly policy: IamPolicy;
  /** The policy's ARN, literal. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: AppTeamContainerFunctionPolicyProps) {
    super(scope, id);
    const name = containerFunctionAppTeamPolicyName(props.envName);
    this.arn = iamPolicyArn(props.accountId, name);
    this.policy = new IamPolicy(this, "policy", {
      name,
      description: "Container-image Lambda functions of the caller's own environment and sid (principal tags): push images, deploy, update the image tag",
      policy: policyJson(appTeamContainerFunctionPolicyDocument(props.accountId, props.region, name)),
    });
  }
}
