import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { CONSOLE_DENIED_ACTIONS, INFRA_FUNCTION_DENIED_ACTIONS, CONSOLE_DENIED_CONTAINER_ACTIONS } from "../../model/safeguards";
import { policyJson, type PolicyDocument, type PolicyStatement } from "../blocks/policy";
import { cloudfrontFunctionArn, ecrRepositoryArn, iamPolicyArn, lambdaFunctionArn, ssmParameterArn } from "../../model/names";

/**
 * The explicit deny that keeps application teams off infrastructure-owned functions. The shared policy allows
 * `function/<env>-<sid>-*`, which also matches a function the infrastructure team owns in that product
 * (`owner: "infra"` in its manifest, e.g. `<env>-shop-legacy-redirect`); an explicit deny wins over that allow in
 * IAM's evaluation, for the console and the CI/CD role alike.
 *
 * `functionNames`: the AWS names of every infra-owned function of the environment (from the manifests). Returns
 * undefined when there is none (IAM rejects a statement without resources).
 */
export function infraFunctionDenyStatement(accountId: string, functionNames: readonly string[]): PolicyStatement | undefined {
  if (functionNames.length === 0) return undefined;
  return {
    Sid: "InfrastructureOwnedFunctions",
    Effect: "Deny",
    Action: [...INFRA_FUNCTION_DENIED_ACTIONS],
    Resource: [...new Set(functionNames)].sort().map((name) => cloudfrontFunctionArn(accountId, name)),
  };
}

/** Name of the policy that takes LIVE changes away from the console roles of an environment. */
export function consoleRestrictionPolicyName(envName: string): string {
  return `${envName}-cf2-console-no-live-changes`;
}

/**
 * Deny UpdateFunction and PublishFunction on every CloudFront Function of the account, and for container functions
 * UpdateFunctionCode, ecr:PutImage and the `/edge/<env>/.../image-tag` parameters (the image a function runs):
 * attached to the maintenance (console) roles where LIVE changes must go through the reviewed CI/CD role. Reading,
 * TestFunction and logs stay allowed.
 */
export function consoleRestrictionDocument(accountId: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "LiveChangesOnlyThroughCicd",
        Effect: "Deny",
        Action: [...CONSOLE_DENIED_ACTIONS],
        Resource: cloudfrontFunctionArn(accountId, "*"),
      },
      {
        Sid: "ContainerCodeOnlyThroughCicd",
        Effect: "Deny",
        Action: [...CONSOLE_DENIED_CONTAINER_ACTIONS.functions],
        Resource: lambdaFunctionArn("*", accountId, "*"),
      },
      {
        Sid: "ImagesOnlyThroughCicd",
        Effect: "Deny",
        Action: [...CONSOLE_DENIED_CONTAINER_ACTIONS.repositories],
        Resource: ecrRepositoryArn("*", accountId, "*"),
      },
      {
        Sid: "ImageTagsOnlyThroughCicd",
        Effect: "Deny",
        Action: [...CONSOLE_DENIED_CONTAINER_ACTIONS.imageTags],
        Resource: ssmParameterArn("*", accountId, "/edge/*/image-tag"),
      },
    ],
  };
}

export interface ConsoleRestrictionPolicyProps {
  /** Environment name, for the policy name. */
  readonly envName: string;
  /** The account of the functions and roles. */
  readonly accountId: string;
}

/**
 * The deny-only policy `<env>-cf2-console-no-live-changes` that AppTeamRoles attaches to maintenance roles when the
 * environment sets `security.liveChangesOnlyThroughCicd`. A deny, not a narrower allow, so no policy attached later
 * can give the console role UpdateFunction/PublishFunction back; the shared policy denies the roles detaching it
 * and changing it.
 *
 * Owns: the policy's name, description and document.
 */
export class ConsoleRestrictionPolicy extends Construct {
  readonly policy: IamPolicy;
  /** The policy's ARN, literal (known at plan time). */
  readonly arn: string;
  readonly name: string;

  constructor(scope: Construct, id: string, props: ConsoleRestrictionPolicyProps) {
    super(scope, id);
    this.name = consoleRestrictionPolicyName(props.envName);
    this.arn = iamPolicyArn(props.accountId, this.name);
    this.policy = new IamPolicy(this, "policy", {
      name: this.name,
      description: "Console roles may read and test functions but not update, publish or deploy images to them (LIVE changes go through CI/CD)",
      policy: policyJson(consoleRestrictionDocument(props.accountId)),
    });
  }
}
