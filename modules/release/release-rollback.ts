import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import type { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { boundedName } from "../../model/names";
import { escapeTerraformTemplates } from "../blocks/policy";
import { ServiceRole } from "../blocks/service-role";

/** Step Functions execution states after which a release must not keep serving viewers. */
export const FAILED_EXECUTION_STATES = ["FAILED", "TIMED_OUT", "ABORTED"] as const;
/** Pipeline execution states that end a release without promotion: a rejected approval fails the execution. */
export const FAILED_PIPELINE_STATES = ["FAILED", "STOPPED"] as const;

export interface ReleaseRollbackProps {
  /** `<env>-<sid>-<site>`: rule and role names start with it. */
  readonly name: string;
  /** AWS account id, for the role's trust condition. */
  readonly accountId: string;
  /** The Rollback state machine the rules start. */
  readonly rollback: SfnStateMachine;
  /** Release state machines whose failed, timed-out or aborted executions roll the release back. */
  readonly releaseSteps: SfnStateMachine[];
  /** The release pipeline's name: a failed (rejected) or stopped execution rolls back. @default none: the site has no pipeline */
  readonly pipelineName?: string;
}

/**
 * Rolls an unpromoted release back automatically: EventBridge rules on the default bus start the Rollback state
 * machine (disable the continuous deployment policy) when a release state machine fails, times out or is aborted,
 * and when the release pipeline fails or is stopped. A rejected approval fails the pipeline execution, so rejection
 * disables the policy too. Catch states inside the definitions could not do this: an execution timeout ends the
 * execution without running them, and a rejection happens outside any state machine.
 * Events: "Step Functions Execution Status Change" (Step Functions sends them for standard workflows) and
 * "CodePipeline Pipeline Execution State Change"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html,
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html).
 * Owns: the rules, their targets and the role EventBridge uses to start the Rollback state machine.
 */
export class ReleaseRollback extends Construct {
  readonly rules: CloudwatchEventRule[] = [];
  /** Names of the roles only an AWS service assumes (the change recorder treats their changes as automation). */
  readonly serviceRoleNames: string[];

  constructor(scope: Construct, id: string, props: ReleaseRollbackProps) {
    super(scope, id);
    const role = new ServiceRole(this, "events-role", {
      name: props.name,
      suffix: "cd-rollback-events",
      service: "events.amazonaws.com",
      accountId: props.accountId,
      statements: [{ Sid: "StartRollback", Effect: "Allow", Action: "states:StartExecution", Resource: props.rollback.arn }],
    });
    this.serviceRoleNames = [role.name];
    const rule = (ruleId: string, description: string, pattern: object) => {
      const r = new CloudwatchEventRule(this, ruleId, {
        name: boundedName(props.name, ruleId, 64),
        description,
        eventPattern: escapeTerraformTemplates(JSON.stringify(pattern)),
      });
      new CloudwatchEventTarget(this, `${ruleId}-target`, { rule: r.name, arn: props.rollback.arn, roleArn: role.arn, targetId: "rollback" });
      this.rules.push(r);
    };
    rule("release-step-failed", `${props.name}: a release state machine failed, timed out or was aborted; disable the policy`, {
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: { status: [...FAILED_EXECUTION_STATES], stateMachineArn: props.releaseSteps.map((sm) => sm.arn) },
    });
    if (props.pipelineName)
      rule("release-rejected", `${props.name}: the release pipeline failed (a rejected approval) or was stopped; disable the policy`, {
        source: ["aws.codepipeline"],
        "detail-type": ["CodePipeline Pipeline Execution State Change"],
        detail: { pipeline: [props.pipelineName], state: [...FAILED_PIPELINE_STATES] },
      });
  }
}
