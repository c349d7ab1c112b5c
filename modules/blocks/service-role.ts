import type { TerraformProvider } from "cdktn";
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { serviceRoleName } from "../../model/names";
import { policyJson, type PolicyStatement } from "./policy";

export interface ServiceRoleProps {
  /** Role name base (`<env>-<sid>-<site>`); the suffix says what the role is for. */
  readonly name: string;
  /** What the role is for, appended to the name ("configure", "pipeline", ...). */
  readonly suffix: string;
  /** Service principal that assumes the role, e.g. "states.amazonaws.com". */
  readonly service: string;
  /** Account the service must act for (aws:SourceAccount), against the confused deputy problem. */
  readonly accountId: string;
  /** The role's whole permission set: an inline policy, each statement naming its resources. */
  readonly statements: PolicyStatement[];
  /** The exact role name. @default `<name>-<suffix>`, shortened with a hash to IAM's 64 characters */
  readonly roleName?: string;
  /** The role's description. @default none */
  readonly description?: string;
  /** The inline policy's name. @default `suffix` */
  readonly policyName?: string;
  /**
   * Require aws:SourceAccount in the trust policy. Lambda execution roles go without it: Lambda's documented trust
   * policy for them has no condition (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html).
   * @default true
   */
  readonly sourceAccountCondition?: boolean;
  /** Which attribute of the role the policy names (both are the role's name). @default "id" */
  readonly policyRoleAttribute?: "id" | "name";
  /** Tags of the role, besides the provider's default tags. @default none */
  readonly tags?: Readonly<Record<string, string>>;
  /** Provider of another region (IAM is global; the provider only decides which one manages the role). @default the scope's default provider */
  readonly provider?: TerraformProvider;
}

/** Construct ids of a service role's resources when they are created in the owner's scope. */
export interface ServiceRoleIds {
  readonly role: string;
  readonly policy: string;
}

/** A role one AWS service assumes on behalf of this account, with one inline policy. Owns the role and the policy. */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  /** The role's name, literal. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    ({ role: this.role, policy: this.policy } = ServiceRole.resources(this, { role: "role", policy: "policy" }, props));
    this.name = ServiceRole.nameOf(props);
  }

  /**
   * Creates a service role's resources directly in `scope` under the given ids: for constructs whose roles existed
   * before this building block, so their Terraform addresses stay the same.
   */
  /** The role name `props` give: `roleName`, else `<name>-<suffix>` within IAM's length. */
  static nameOf(props: Pick<ServiceRoleProps, "name" | "suffix" | "roleName">): string {
    return props.roleName ?? serviceRoleName(props.name, props.suffix);
  }

  static resources(scope: Construct, ids: ServiceRoleIds, props: ServiceRoleProps): { role: IamRole; policy: IamRolePolicy } {
    const role = new IamRole(scope, ids.role, {
      provider: props.provider,
      name: ServiceRole.nameOf(props),
      description: props.description,
      tags: props.tags ? { ...props.tags } : undefined,
      assumeRolePolicy: policyJson({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: props.service },
            Action: "sts:AssumeRole",
            ...(props.sourceAccountCondition === false ? {} : { Condition: { StringEquals: { "aws:SourceAccount": props.accountId } } }),
          },
        ],
      }),
    });
    const policy = new IamRolePolicy(scope, ids.policy, {
      provider: props.provider,
      name: props.policyName ?? props.suffix,
      role: props.policyRoleAttribute === "name" ? role.name : role.id,
      policy: policyJson({ Version: "2012-10-17", Statement: props.statements }),
    });
    return { role, policy };
  }

  get arn(): string {
    return this.role.arn;
  }
}
