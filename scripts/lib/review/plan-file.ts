/**
 * Reads a plan file given to `npm run review -- --plan <env>=<file>` and says in one line what is wrong when it is not
 * a `terraform show -json` plan: missing, unreadable, not JSON (truncated), another format version, or
 * `resource_changes` of the wrong shape. Also tells a plan `npm run validate` made (dummy credentials, local state)
 * from one made against AWS.
 *
 * Plan JSON format: https://developer.hashicorp.com/terraform/internals/json-format (format_version "1.x": minor
 * versions only add fields).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import type { Json } from "./changes";
import { ReviewError } from "./errors";

/** What is wrong with a parsed plan, or undefined when it has the shape the review reads. */
export function planProblem(plan: unknown): string | undefined {
  if (!plan || typeof plan !== "object" || Array.isArray(plan)) return "not a Terraform plan: the JSON is not an object";
  const p = plan as Json;
  if (p.format_version === undefined) return "not a Terraform plan: no format_version (pass the output of terraform show -json <planfile>)";
  if (typeof p.format_version !== "string" || !/^1\.\d+$/.test(p.format_version))
    return `format_version ${JSON.stringify(p.format_version)} is not one this review reads (1.x)`;
  if (p.resource_changes !== undefined && !Array.isArray(p.resource_changes))
    return `resource_changes is ${typeof p.resource_changes === "object" ? (p.resource_changes === null ? "null" : "an object") : `a ${typeof p.resource_changes}`}, not an array`;
  if (
    p.resource_changes === undefined &&
    (p.values !== undefined || p.planned_values === undefined) &&
    p.prior_state === undefined &&
    p.configuration === undefined
  )
    return "not a Terraform plan: no resource_changes, planned_values or configuration (a state file? pass terraform show -json <planfile>)";
  const bad = ((p.resource_changes ?? []) as unknown[]).findIndex(
    (rc) => !rc || typeof rc !== "object" || typeof (rc as Json).address !== "string" || !Array.isArray((rc as Json).change?.actions),
  );
  if (bad >= 0) return `resource_changes[${bad}] has no address or change.actions`;
  return undefined;
}

/** Whether the plan was made by `npm run validate` (its provider configuration holds the offline dummy credentials). */
export function isValidatePlan(plan: Json): boolean {
  const aws = plan.configuration?.provider_config?.aws;
  return aws?.expressions?.access_key?.constant_value === "offline" && aws?.expressions?.skip_credentials_validation?.constant_value === true;
}

/** The plan in `file`, or a ReviewError of one line naming the file (`what`) and what is wrong. */
export function readPlanFile(file: string, what = file): Json {
  if (!existsSync(file)) throw new ReviewError(`${what}: the file is missing (no such file ${file})`);
  if (statSync(file).isDirectory()) throw new ReviewError(`${what}: is a directory, not a plan file`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ReviewError(`${what}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!text.trim()) throw new ReviewError(`${what}: the file is empty (pass the output of terraform show -json <planfile>)`);
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (err) {
    throw new ReviewError(`${what}: not JSON, or cut short (${(err as Error).message.split("\n")[0]})`);
  }
  const problem = planProblem(plan);
  if (problem) throw new ReviewError(`${what}: ${problem}`);
  return plan as Json;
}
