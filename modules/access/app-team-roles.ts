import { TerraformOutput, type ITerraformDependable } from "cdktn";
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { accountRootArn, appTeamRoleName, githubSubject, iamRoleArn, ssoRoleArnPattern } from "../../model/names";
import { AppTeamRoleKind } from "../../model/vocabulary";
import { githubTrustConditions, type GithubJobIdentity } from "./github-oidc-trust";
import { policyJson, type PolicyDocument } from "../blocks/policy";

// Re-exported: the naming lives in model/, callers read it from here too.

/**
 * Trust for the maintenance role: principals of this account whose ARN is one of the permission-set roles.
 * The account root as principal means the permission set must also allow sts:AssumeRole on this role (docs/access.md).
 * No sts:TagSession: a session tag would override the role's own environment/sid tags.
 */
export function maintenanceTrustPolicy(accountId: string, permissionSets: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "SingleSignOnPermissionSets",
        Effect: "Allow",
        Principal: { AWS: accountRootArn(accountId) },
        Action: "sts:AssumeRole",
        Condition: { ArnLike: { "aws:PrincipalArn": permissionSets.map((ps) => ssoRoleArnPattern(accountId, ps)) } },
      },
    ],
  };
}

/**
 * Trust for the CI/CD role: GitHub Actions jobs of one repository running in one GitHub environment (so the
 * environment's protection rules, e.g. required reviewers, gate every use). Exact match on audience and subject, and
 * on the repository's and owner's numeric ids (names survive a rename, transfer or re-creation; ids do not), plus the
 * workflow when pinned (modules/access/github-oidc-trust.ts).
 */
export function cicdTrustPolicy(oidcProviderArn: string, job: GithubJobIdentity): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "GithubActionsEnvironment",
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: githubTrustConditions(job) },
      },
    ],
  };
}

export interface AppTeamRolesProps {
  /** Environment name: the `environment` tag and the first part of the role names. */
  readonly envName: string;
  /** The account of the roles. */
  readonly accountId: string;
  /** Product id: the `sid` tag. */
  readonly sid: string;
  /** ARN of the shared attribute-based policy (modules/access/app-team-policy.ts) both roles attach. */
  readonly policyArn: string;
  /** The policy resource when the same stack creates it, so attachments wait for it. @default none (the policy exists already) */
  readonly policy?: ITerraformDependable;
  /** Maintenance role for console users. @default no maintenance role */
  readonly maintenance?: { readonly permissionSets: readonly string[]; readonly maxSessionHours: number };
  /** Further policies the maintenance role attaches (the console restriction of modules/access/app-team-guards.ts). @default none */
  readonly maintenancePolicies?: readonly { readonly arn: string; readonly resource?: ITerraformDependable }[];
  /** CI/CD role for GitHub Actions. @default no CI/CD role */
  readonly cicd?: GithubJobIdentity & { readonly maxSessionHours: number; readonly oidcProviderArn: string; readonly oidcProvider?: ITerraformDependable };
}

/**
 * A product's application-team roles in one environment: a maintenance role for console users (single sign-on,
 * then switch role) and a CI/CD role for GitHub Actions. Both carry the tags `environment` and `sid` on the role
 * itself (switch-role and GitHub OIDC carry no session tags), and both attach the shared policy, whose
 * `${aws:PrincipalTag/...}` resources those tags fill in.
 *
 * Owns: each role's name, trust policy, session length, tags and policy attachment. Application teams cannot
 * change any of them (the shared policy denies role changes).
 */
export class AppTeamRoles extends Construct {
  readonly roles = new Map<AppTeamRoleKind, IamRole>();

  constructor(scope: Construct, id: string, props: AppTeamRolesProps) {
    super(scope, id);
    if (props.maintenance) {
      this.role(props, AppTeamRoleKind.MAINTENANCE, {
        description: `Console maintenance of ${props.envName}-${props.sid}-* CloudFront Functions and their logs (switch role from single sign-on)`,
        trust: maintenanceTrustPolicy(props.accountId, props.maintenance.permissionSets),
        maxSessionHours: props.maintenance.maxSessionHours,
      });
      (props.maintenancePolicies ?? []).forEach(
        (p, i) =>
          new IamRolePolicyAttachment(this, `maintenance-extra-policy-${i}`, {
            role: this.roles.get(AppTeamRoleKind.MAINTENANCE)!.name,
            policyArn: p.arn,
            dependsOn: p.resource ? [p.resource] : undefined,
          }),
      );
    }
    if (props.cicd) {
      this.role(props, AppTeamRoleKind.CICD, {
        description: `GitHub Actions (${githubSubject(props.cicd.repository, props.cicd.environment)}) deploys ${props.envName}-${props.sid}-* CloudFront Functions`,
        trust: cicdTrustPolicy(props.cicd.oidcProviderArn, props.cicd),
        maxSessionHours: props.cicd.maxSessionHours,
        // IAM rejects a trust policy naming a provider that does not exist yet.
        dependsOn: props.cicd.oidcProvider ? [props.cicd.oidcProvider] : undefined,
      });
    }
  }

  private role(
    props: AppTeamRolesProps,
    kind: AppTeamRoleKind,
    o: { description: string; trust: PolicyDocument; maxSessionHours: number; dependsOn?: ITerraformDependable[] },
  ): void {
    const name = appTeamRoleName(props.envName, props.sid, kind);
    const role = new IamRole(this, kind, {
      name,
      description: o.description,
      assumeRolePolicy: policyJson(o.trust),
      maxSessionDuration: o.maxSessionHours * 3600,
      // On the role, not the session: ${aws:PrincipalTag/...} in the shared policy reads these.
      tags: { environment: props.envName, sid: props.sid },
      dependsOn: o.dependsOn,
    });
    new IamRolePolicyAttachment(this, `${kind}-policy`, {
      role: role.name,
      policyArn: props.policyArn,
      dependsOn: props.policy ? [props.policy] : undefined,
    });
    this.roles.set(kind, role);
    // What the team needs after a deploy, by stable names: `cdktf output <env>` lists them.
    const arn = iamRoleArn(props.accountId, name);
    new TerraformOutput(this, `${kind}-role-arn`, { value: arn, description: `${name}: role ARN` }).overrideLogicalId(`${props.sid}_${kind}_role_arn`);
    if (kind === AppTeamRoleKind.MAINTENANCE)
      new TerraformOutput(this, "switch-role-url", {
        value: `https://signin.aws.amazon.com/switchrole?roleName=${name}&account=${props.accountId}&displayName=${name}`,
        description: `${name}: console switch-role link (after single sign-on)`,
      }).overrideLogicalId(`${props.sid}_switch_role_url`);
  }
}
