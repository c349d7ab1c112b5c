/**
 * Alarms exist for every failure path of every example environment that configures alarms, derived from the
 * synthesized resources (so a new site, invalidator or pipeline is covered without edits), and every alarm kind has
 * its runbook line in docs/alarms.md.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { loadEnvironments, validateEnvironments } from "../config/load";
import { AlarmKind, RUNBOOK_ANCHOR } from "../model/alarms";
import { resourcesOfType, synthesize, synthesizeExamples, type StackJson } from "./support/synth";
import { loadFunctions } from "../config/functions/cf2/load";

const envs = loadEnvironments(path.join(__dirname, "..", "environments"));
const stacks = synthesizeExamples();
const functions = loadFunctions(envs, path.join(__dirname, "..", "functions", "cf2"));
// RUNBOOK_ANCHOR is "<file>#<anchor>"; the file is the document the alarms send people to.
const [runbookFile, runbookAnchor] = RUNBOOK_ANCHOR.split("#");
const doc = readFileSync(path.join(__dirname, "..", runbookFile), "utf8");

test("every alarm kind has a runbook line in the runbook document, and nothing else is listed there", () => {
  const start = doc.indexOf("<!-- alarms-runbook:");
  expect(start).toBeGreaterThan(0);
  const next = doc.indexOf("\n#", start);
  const table = doc.slice(start, next < 0 ? undefined : next);
  const rows = [...table.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
  expect(rows.sort()).toEqual(Object.values(AlarmKind).sort());
  // The anchor is the runbook heading's (GitHub: lowercase, spaces as hyphens).
  const headings = [...doc.matchAll(/^#+ (.+)$/gm)].map((m) => m[1].toLowerCase().replace(/ /g, "-"));
  expect(headings).toContain(runbookAnchor);
  expect(runbookFile).toBe("docs/alarms.md");
});

// Every example that configures alarms, plus each example with alarms switched on (a topic created here), so the
// check runs whatever the examples configure today.
const targets: [string, StackJson][] = [
  ...envs.filter((e) => e.alarms).map((e): [string, StackJson] => [`${e.name} (as configured)`, stacks[e.name]]),
  ...envs.map((e): [string, StackJson] => {
    const input = JSON.parse(JSON.stringify(e));
    input.alarms = {};
    const [env] = validateEnvironments([{ file: `environments/${e.name}.ts`, input }]);
    return [`${e.name} (alarms switched on)`, synthesize([env], functions)[e.name]];
  }),
];

describe.each(targets)("environment %s: every failure path alarms", (_name, stack) => {
  const alarms = Object.values<any>(resourcesOfType(stack, "aws_cloudwatch_metric_alarm"));
  const watched = (namespace: string, metric: string, dimension: string, value: string) =>
    alarms.some((a) => a.namespace === namespace && a.metric_name === metric && a.dimensions?.[dimension] === value);

  test("each dead-letter queue: depth > 0", () => {
    const dlqs = Object.values<any>(resourcesOfType(stack, "aws_sqs_queue")).filter((q) => q.name.endsWith("-dlq"));
    for (const q of dlqs) expect([q.name, watched("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q.name)]).toEqual([q.name, true]);
  });

  test("each Lambda function: Errors and Throttles", () => {
    for (const f of Object.values<any>(resourcesOfType(stack, "aws_lambda_function")))
      for (const metric of ["Errors", "Throttles"])
        expect([f.function_name, metric, watched("AWS/Lambda", metric, "FunctionName", f.function_name)]).toEqual([f.function_name, metric, true]);
  });

  test("each state machine: ExecutionsFailed and ExecutionsTimedOut", () => {
    for (const sm of Object.values<any>(resourcesOfType(stack, "aws_sfn_state_machine"))) {
      for (const metric of ["ExecutionsFailed", "ExecutionsTimedOut"]) {
        const found = alarms.some(
          (a) => a.namespace === "AWS/States" && a.metric_name === metric && String(a.dimensions?.StateMachineArn).endsWith(`:stateMachine:${sm.name}`),
        );
        expect([sm.name, metric, found]).toEqual([sm.name, metric, true]);
      }
    }
  });

  test("each web ACL this project creates: BlockedRequests of all its rules, in us-east-1", () => {
    for (const acl of Object.values<any>(resourcesOfType(stack, "aws_wafv2_web_acl"))) {
      const alarm = alarms.find((a) => a.namespace === "AWS/WAFV2" && a.metric_name === "BlockedRequests" && a.dimensions?.WebACL === acl.name);
      expect([acl.name, alarm?.dimensions?.Rule, alarm?.provider]).toEqual([acl.name, "ALL", acl.provider]);
    }
  });

  test("each pipeline: failed executions reach the topic through EventBridge", () => {
    const pipelines = Object.values<any>(resourcesOfType(stack, "aws_codepipeline")).map((p) => p.name);
    const rules = Object.values<any>(resourcesOfType(stack, "aws_cloudwatch_event_rule")).map((r) => JSON.parse(r.event_pattern));
    for (const p of pipelines)
      expect(
        rules.some(
          (r) =>
            r["detail-type"]?.includes("CodePipeline Pipeline Execution State Change") &&
            r.detail?.state?.includes("FAILED") &&
            r.detail?.pipeline?.includes(p),
        ),
      ).toBe(true);
  });

  test("every alarm notifies and names its runbook line", () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms) {
      expect(a.alarm_actions).toHaveLength(1);
      expect(a.alarm_description).toMatch(new RegExp(`Runbook: ${RUNBOOK_ANCHOR} \\((${Object.values(AlarmKind).join("|")})\\)`));
    }
  });
});
