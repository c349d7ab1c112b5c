import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { ConstructError } from "../../model/errors";
import { continuousDeploymentPolicyArn, ssmParameterArn } from "../../model/names";
import { projectRoot } from "../../model/project-root";
import type { ReleaseStep } from "../../model/release";
import { invalidationStatement } from "../blocks/grants";
import { escapeTerraformTemplates, type PolicyStatement } from "../blocks/policy";
import { ServiceRole } from "../blocks/service-role";

const DEFINITIONS_DIR = path.join(projectRoot(), "functions", "state-machines");

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

/** A placeholder's value: text spliced into strings, or JSON data that replaces a string consisting of the placeholder alone. */
export type Substitution = string | number | boolean | Record<string, unknown>;

/**
 * Replaces `${Name}` placeholders in a definition's string values (like CloudFormation's DefinitionSubstitutions),
 * so ids known only to Terraform reach the state machine. A string that is exactly `"${Name}"` with a non-string value
 * becomes that value (a traffic configuration object, say). Every placeholder must have a value and every value must
 * be used, so a renamed placeholder fails at synth instead of at run time.
 */
export function renderDefinition(step: ReleaseStep, substitutions: Record<string, Substitution>): string {
  const file = `functions/state-machines/${step}.asl.json`;
  const used = new Set<string>();
  const substitute = (value: unknown): unknown => {
    if (typeof value === "string") {
      const whole = /^\$\{([A-Za-z0-9_]+)\}$/.exec(value);
      if (whole && whole[1] in substitutions && typeof substitutions[whole[1]] !== "string") {
        used.add(whole[1]);
        return substitutions[whole[1]];
      }
      return value.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, key: string) => {
        if (!(key in substitutions)) throw new ConstructError(file, `no value for placeholder \${${key}}; known: ${Object.keys(substitutions).join(", ")}`);
        const v = substitutions[key];
        if (typeof v === "object")
          throw new ConstructError(file, `placeholder \${${key}} holds JSON data, so it must be a whole string value ("\${${key}}"), not part of one`);
        used.add(key);
        return String(v);
      });
    }
    if (Array.isArray(value)) return value.map(substitute);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
    return value;
  };
  const rendered = substitute(JSON.parse(definitionSource(step)));
  const unused = Object.keys(substitutions).filter((k) => !used.has(k));
  if (unused.length > 0) throw new ConstructError(file, `placeholders ${unused.map((k) => `\${${k}}`).join(", ")} are not used`);
  return escapeTerraformTemplates(JSON.stringify(rendered));
}

/** A continuous deployment policy's TrafficConfig as the CloudFront API spells it (what the state machines write). */
export type ApiTrafficConfig =
  | { Type: "SingleHeader"; SingleHeaderConfig: { Header: string; Value: string } }
  | { Type: "SingleWeight"; SingleWeightConfig: { Weight: number; SessionStickinessConfig?: { IdleTTL: number; MaximumTTL: number } } };

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
  /** The header route testers use before approval; Configure opens it, rollback resets the policy to it (disabled). */
  readonly testRoute: ApiTrafficConfig & { Type: "SingleHeader" };
  /** The weight canary started after the first approval. @default none: no canary state machine */
  readonly canaryTraffic?: ApiTrafficConfig & { Type: "SingleWeight" };
  /** Days each state machine's execution log keeps events. */
  readonly logRetentionDays: number;
}

/**
 * What a state machine needs to log to CloudWatch Logs and trace with X-Ray; none of these actions has a resource
 * type, so `*` is their only resource (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy,
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-xray-tracing.html).
 */
const LOG_AND_TRACE_STATEMENTS: PolicyStatement[] = [
  {
    Sid: "ExecutionLogs",
    Effect: "Allow",
    Action: [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ],
    Resource: "*",
  },
  {
    Sid: "Tracing",
    Effect: "Allow",
    Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
    Resource: "*",
  },
];

/**
 * The release state machines (functions/state-machines/*.asl.json) with AWS SDK integrations: Configure, Canary
 * (weight sites only), Promote and Rollback, and one role each that may touch only this site's distributions, its
 * policy and its release-version parameter.
 * Owns: the state machines and their roles.
 */
export class ReleaseStateMachines extends Construct {
  readonly configure: SfnStateMachine;
  readonly canary?: SfnStateMachine;
  readonly promote: SfnStateMachine;
  readonly rollback: SfnStateMachine;
  /** The state machines' names, literal (alarms watch them; `<name>-<step>`). */
  readonly configureName: string;
  readonly canaryName?: string;
  readonly promoteName: string;
  readonly rollbackName: string;
  /** Names of the roles only an AWS service assumes (the change recorder treats their changes as automation). */
  readonly serviceRoleNames: string[] = [];

  constructor(scope: Construct, id: string, props: ReleaseStateMachinesProps) {
    super(scope, id);
    const nameOf = (step: ReleaseStep) => `${props.name}-${step}`;
    this.configureName = nameOf("configure");
    this.canaryName = props.canaryTraffic ? nameOf("canary") : undefined;
    this.promoteName = nameOf("promote");
    this.rollbackName = nameOf("rollback");
    const primary = props.primaryDistribution;
    const staging = props.stagingDistribution;
    const policyArn = continuousDeploymentPolicyArn(props.accountId, props.policyId);
    const parameterArn = ssmParameterArn(props.region, props.accountId, props.releaseVersionParameter);
    const changePolicy = (sid: string) => ({
      Sid: sid,
      Effect: "Allow" as const,
      Action: ["cloudfront:GetContinuousDeploymentPolicy", "cloudfront:UpdateContinuousDeploymentPolicy"],
      Resource: policyArn,
    });
    const machine = (step: ReleaseStep, statements: PolicyStatement[], substitutions: Record<string, Substitution>) => {
      const role = new ServiceRole(this, `${step}-role`, {
        name: props.name,
        suffix: `cd-${step}`,
        service: "states.amazonaws.com",
        accountId: props.accountId,
        statements: [...statements, ...LOG_AND_TRACE_STATEMENTS],
      });
      this.serviceRoleNames.push(role.name);
      // Step Functions delivers execution logs to groups whose name starts with /aws/vendedlogs/ without a size limit
      // on the log group's resource policy (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
      const logs = new CloudwatchLogGroup(this, `${step}-logs`, { name: `/aws/vendedlogs/states/${nameOf(step)}`, retentionInDays: props.logRetentionDays });
      return new SfnStateMachine(this, step, {
        name: nameOf(step),
        roleArn: role.arn,
        definition: renderDefinition(step, substitutions),
        // ERROR: failed states and executions, without their input and output (release ids and distribution configs).
        loggingConfiguration: { logDestination: `${logs.arn}:*`, level: "ERROR", includeExecutionData: false },
        tracingConfiguration: { enabled: true },
      });
    };

    this.configure = machine(
      "configure",
      [
        { Sid: "ReadReleaseVersion", Effect: "Allow", Action: "ssm:GetParameter", Resource: parameterArn },
        {
          Sid: "PointStagingAndAttachPolicy",
          Effect: "Allow",
          Action: ["cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"],
          Resource: [staging.arn, primary.arn],
        },
        { Sid: "WatchStaging", Effect: "Allow", Action: "cloudfront:GetDistribution", Resource: staging.arn },
        // Staging only: nothing a release does before approval touches the primary's cache.
        invalidationStatement("InvalidateStaging", staging.arn),
        changePolicy("TestRouteOnly"),
      ],
      {
        ReleaseVersionParameter: props.releaseVersionParameter,
        UnreleasedPlaceholder: props.unreleasedValue,
        StagingDistributionId: staging.id,
        PrimaryDistributionId: primary.id,
        PolicyId: props.policyId,
        TestRouteTrafficConfig: props.testRoute,
      },
    );
    if (props.canaryTraffic)
      this.canary = machine("canary", [changePolicy("StartCanary")], { PolicyId: props.policyId, CanaryTrafficConfig: props.canaryTraffic });
    this.promote = machine(
      "promote",
      [
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
      { StagingDistributionId: staging.id, PrimaryDistributionId: primary.id },
    );
    this.rollback = machine("rollback", [changePolicy("DisablePolicy")], { PolicyId: props.policyId, TestRouteTrafficConfig: props.testRoute });
  }

  /** The state machines whose failure must roll the release back (every one but Rollback itself). */
  get releaseSteps(): SfnStateMachine[] {
    return [this.configure, ...(this.canary ? [this.canary] : []), this.promote];
  }
}
