/**
 * What pages someone: the kinds of alarm, their names and where their runbook lines live. Imports neither
 * environments/ nor modules/. docs/alarms.md has one runbook line per kind (a test keeps them in step).
 */

/** Every kind of failure an environment alarms on. */
export const AlarmKind = {
  /** Messages in a dead-letter queue: work that failed every retry. */
  DLQ_DEPTH: "dlq-depth",
  /** A Lambda function's invocations that threw or timed out. */
  FUNCTION_ERRORS: "function-errors",
  /** A Lambda function's invocations refused for lack of concurrency. */
  FUNCTION_THROTTLES: "function-throttles",
  /** A Step Functions execution that failed. */
  EXECUTIONS_FAILED: "executions-failed",
  /** A Step Functions execution that hit its timeout. */
  EXECUTIONS_TIMED_OUT: "executions-timed-out",
  /** A web ACL blocked more requests in 5 minutes than its threshold (an attack, or a rule blocking real users). */
  WAF_BLOCKED_REQUESTS: "waf-blocked-requests",
  /** A CodePipeline execution that ended FAILED (an EventBridge rule, not a metric alarm). */
  PIPELINE_FAILED: "pipeline-failed",
} as const;
export type AlarmKind = (typeof AlarmKind)[keyof typeof AlarmKind];

/** CloudWatch alarm names: 1-255 characters; ours are `<resource name>-<kind>`. */
export const MAX_ALARM_NAME_LENGTH = 255;

/** The alarm of one kind on one resource. */
export function alarmName(resourceName: string, kind: AlarmKind): string {
  // "<env>-<sid>-<site>-invalidation-dlq" + "dlq-depth" reads as "...-invalidation-dlq-depth".
  if (kind === AlarmKind.DLQ_DEPTH && resourceName.endsWith("-dlq")) return `${resourceName}-depth`;
  return `${resourceName}-${kind}`;
}

/** The topic an environment creates when it names no existing one. */
export function alarmTopicName(envName: string, region?: string): string {
  return region ? `${envName}-edge-alarms-${region}` : `${envName}-edge-alarms`;
}

/** The EventBridge rule that reports failed release pipelines of an environment. */
export function pipelineFailureRuleName(envName: string): string {
  return `${envName}-edge-pipeline-failed`;
}

/** The runbook (a path in this repository and its anchor) every alarm description points at. */
export const RUNBOOK_ANCHOR = "docs/alarms.md#alarms-runbook";
