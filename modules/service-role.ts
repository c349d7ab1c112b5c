import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { boundedName } from "../model/names";
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
}

/** A role one AWS service assumes on behalf of this account, with one inline policy. Owns the role and the policy. */
export class ServiceRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: boundedName(props.name, props.suffix, 64),
      assumeRolePolicy: policyJson({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: props.service },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
          },
        ],
      }),
    });
    new IamRolePolicy(this, "policy", {
      name: props.suffix,
      role: this.role.id,
      policy: policyJson({ Version: "2012-10-17", Statement: props.statements }),
    });
  }

  get arn(): string {
    return this.role.arn;
  }
}
