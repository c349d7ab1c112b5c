import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Construct } from "constructs";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { ConstructError } from "../model/errors";
import { continuousDeploymentPolicyArn, ssmParameterArn } from "../model/names";
import { invalidationStatement } from "./grants";
import { escapeTerraformTemplates } from "./policy";
import { projectRoot } from "../model/project-root";
import { ServiceRole } from "./service-role";

const DEFINITIONS_DIR = path.join(projectRoot(), "functions", "state-machines");

/** The state machines, by definition file (functions/state-machines/<name>.asl.json). */
export type ReleaseStep = "configure" | "promote";

const sources = new Map<ReleaseStep, string>();
/** The definition file's text, read once per process however many sites use it. */
export function definitionSource(step: ReleaseStep): string {
  let text = sources.get(step);
  if (text === undefined) {
    text = readFileSync(path.join(DEFINITIONS_DIR, `${step}.asl.json`), "utf8");
    sources.set(step, text);
  }
  return text;
}

/**
 * Replaces `${Name}` placeholders in a definition's string values (like CloudFormation's DefinitionSubstitutions),
 * so ids known only to Terraform reach the state machine. Every placeholder must have a value and every value must be
 * used, so a renamed placeholder fails at synth instead of at run time.
 */
export function renderDefinition(step: ReleaseStep, substitutions: Record<string, string>): string {
  const file = `functions/state-machines/${step}.asl.json`;
  const used = new Set<string>();
  const substitute = (value: unknown): unknown => {
    if (typeof value === "string")
      return value.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, key: string) => {
        if (!(key in substitutions)) throw new ConstructError(file, `no value for placeholder \${${key}}; known: ${Object.keys(substitutions).join(", ")}`);
        used.add(key);
        return substitutions[key];
      });
    if (Array.isArray(value)) return value.map(substitute);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
    return value;
  };
  const rendered = substitute(JSON.parse(definitionSource(step)));
  const unused = Object.keys(substitutions).filter((k) => !used.has(k));
  if (unused.length > 0) throw new ConstructError(file, `placeholders ${unused.map((k) => `\${${k}}`).join(", ")} are not used`);
  return escapeTerraformTemplates(JSON.stringify(rendered));
}

export interface ReleaseStateMachinesProps {
  /** `<env>-<sid>-<site>`: state machine and role names start with it. */
  readonly name: string;
  /** AWS account id, for ARNs and trust conditions. */
  readonly accountId: string;
  /** Region of the state machines and the SSM parameter. */
  readonly region: string;
  /** The site's primary distribution. */
  readonly primaryDistribution: { id: string; arn: string };
  /** The staging distribution. */
  readonly stagingDistribution: { id: string; arn: string };
  /** The continuous deployment policy's id. */
  readonly policyId: string;
  /** Name of the SSM parameter holding the release version. */
  readonly releaseVersionParameter: string;
  /** The parameter's value before the first release; Configure stops on it. */
  readonly unreleasedValue: string;
}

/**
 * The Configure and Promote state machines (functions/state-machines/*.asl.json) with AWS SDK integrations, and one
 * role each that may touch only this site's distributions, its policy and its release-version parameter.
 * Owns: the state machines and their roles.
 */
export class ReleaseStateMachines extends Construct {
  readonly configure: SfnStateMachine;
  readonly promote: SfnStateMachine;

  constructor(scope: Construct, id: string, props: ReleaseStateMachinesProps) {
    super(scope, id);
    const primary = props.primaryDistribution;
    const staging = props.stagingDistribution;
    const policyArn = continuousDeploymentPolicyArn(props.accountId, props.policyId);
    const parameterArn = ssmParameterArn(props.region, props.accountId, props.releaseVersionParameter);

    const configureRole = new ServiceRole(this, "configure-role", {
      name: props.name,
      suffix: "cd-configure",
      service: "states.amazonaws.com",
      accountId: props.accountId,
      statements: [
        { Sid: "ReadReleaseVersion", Effect: "Allow", Action: "ssm:GetParameter", Resource: parameterArn },
        {
          Sid: "PointStagingAndAttachPolicy",
          Effect: "Allow",
          Action: ["cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"],
          Resource: [staging.arn, primary.arn],
        },
        { Sid: "WatchStaging", Effect: "Allow", Action: "cloudfront:GetDistribution", Resource: staging.arn },
        {
          Sid: "EnablePolicy",
          Effect: "Allow",
          Action: ["cloudfront:GetContinuousDeploymentPolicy", "cloudfront:UpdateContinuousDeploymentPolicy"],
          Resource: policyArn,
        },
      ],
    });
    this.configure = new SfnStateMachine(this, "configure", {
      name: `${props.name}-configure`,
      roleArn: configureRole.arn,
      definition: renderDefinition("configure", {
        ReleaseVersionParameter: props.releaseVersionParameter,
        UnreleasedPlaceholder: props.unreleasedValue,
        StagingDistributionId: staging.id,
        PrimaryDistributionId: primary.id,
        PolicyId: props.policyId,
      }),
    });

    const promoteRole = new ServiceRole(this, "promote-role", {
      name: props.name,
      suffix: "cd-promote",
      service: "states.amazonaws.com",
      accountId: props.accountId,
      statements: [
        {
          Sid: "Promote",
          Effect: "Allow",
          // The API reference lists GetDistribution and UpdateDistribution as permissions the promote call itself
          // requires: without UpdateDistribution it is denied although UpdateDistributionWithStagingConfig is allowed.
          Action: ["cloudfront:GetDistribution", "cloudfront:UpdateDistribution", "cloudfront:UpdateDistributionWithStagingConfig"],
          Resource: [primary.arn, staging.arn],
        },
        invalidationStatement("Invalidate", primary.arn),
      ],
    });
    this.promote = new SfnStateMachine(this, "promote", {
      name: `${props.name}-promote`,
      roleArn: promoteRole.arn,
      definition: renderDefinition("promote", { StagingDistributionId: staging.id, PrimaryDistributionId: primary.id }),
    });
  }
}
