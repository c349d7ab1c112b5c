/**
 * Deletion check for plans of protected environments (`security.protectFromDeletion`). Terraform keeps
 * `prevent_destroy` in the resource's configuration, so a site entry that is removed or renamed takes its protection
 * with it and the plan simply deletes the distribution and the bucket. This check reads the saved plan and fails on
 * every delete (or replace) of a distribution, a site bucket or the GitHub OIDC provider that is not allowed by
 * address, so a retirement is always a deliberate, named decision (docs/access.md, "Retire a site on purpose").
 *
 * Usage (plan saved by Terraform in the stack's directory):
 *   terraform -chdir=cdktf.out/stacks/prod plan -out=prod.tfplan
 *   terraform -chdir=cdktf.out/stacks/prod show -json prod.tfplan > prod.plan.json
 *   npm run check:deletions -- --env prod prod.plan.json [--allow <address>]...
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { runCli, UsageError, UserError, type CliSpec, type ParsedArgs } from "./lib/cli";
import { loadEnvironments } from "../config/load";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** A delete the plan would make of something a protected environment keeps. */
export interface ProtectedDeletion {
  readonly address: string;
  readonly type: string;
  /** "delete" or "replace". */
  readonly action: string;
  /** The resource's id in AWS (distribution id, bucket name, provider ARN). */
  readonly id: string;
}

/** Buckets with force_destroy are scratch space (a pipeline's artifacts); every other bucket is a site's content. */
function isProtected(type: string, before: Json): boolean {
  if (type === "aws_cloudfront_distribution" || type === "aws_iam_openid_connect_provider") return true;
  return type === "aws_s3_bucket" && before?.force_destroy !== true;
}

/** Every delete or replace of a protected resource in a `terraform show -json` plan, minus the allowed addresses. */
export function protectedDeletions(plan: Json, allow: readonly string[] = []): ProtectedDeletion[] {
  return (plan.resource_changes ?? [])
    .filter((rc: Json) => rc.change?.actions?.includes("delete") && isProtected(rc.type, rc.change.before))
    .filter((rc: Json) => !allow.includes(rc.address))
    .map((rc: Json) => ({
      address: rc.address,
      type: rc.type,
      action: rc.change.actions.includes("create") ? "replace" : "delete",
      id: String(rc.change.before?.id ?? rc.change.before?.arn ?? rc.change.before?.bucket ?? "?"),
    }));
}

const DELETIONS_OPTIONS = { env: { type: "string" }, allow: { type: "string", multiple: true } } as const;
const DELETIONS_CLI: CliSpec<typeof DELETIONS_OPTIONS> = {
  command: "check:deletions",
  usage: [
    "usage: npm run check:deletions -- --env <environment> <plan.json> [--allow <address>]...",
    "  <plan.json>  the plan as terraform show -json <plan> prints it",
    "  --env        the environment the plan is for (its security.protectFromDeletion decides)",
    "  --allow      a resource address whose deletion is intended (a retirement); repeat for each",
  ].join("\n"),
  options: DELETIONS_OPTIONS,
  positionals: [1, 1],
  missing: "name the plan file (terraform show -json <plan>)",
};

function main({ values, positionals }: ParsedArgs<typeof DELETIONS_OPTIONS>): number {
  const envName = values.env;
  const allow = values.allow ?? [];
  const planFile = positionals[0];
  if (!envName) throw new UsageError("--env is required");
  const envs = loadEnvironments(process.env.EDGE_ENVIRONMENTS_DIR ?? path.join(__dirname, "..", "environments"));
  const env = envs.find((e) => e.name === envName);
  if (!env) throw new UsageError(`no environment "${envName}"; known: ${envs.map((e) => e.name).join(", ")}`);
  let plan: Json;
  try {
    plan = JSON.parse(readFileSync(planFile, "utf8"));
  } catch (err) {
    throw new UserError(`${planFile}: not a plan in JSON (terraform show -json <plan>): ${(err as Error).message}`);
  }
  const found = protectedDeletions(plan, allow);
  if (!env.security.protectFromDeletion) {
    console.log(
      `${envName}: deletion protection is off (security.protectFromDeletion); ${found.length} delete(s) of distributions, site buckets or the OIDC provider in the plan`,
    );
    return 0;
  }
  if (found.length === 0) {
    console.log(`ok: ${envName}: the plan deletes no distribution, site bucket or OIDC provider${allow.length ? ` (allowed: ${allow.join(", ")})` : ""}`);
    return 0;
  }
  console.error(`${envName} is protected from deletion, and the plan would ${found.length === 1 ? "delete" : `delete ${found.length} resources`}:`);
  for (const d of found) console.error(`  - ${d.address}: ${d.action} (${d.id})`);
  console.error(
    'If this is a retirement, re-run with --allow <address> for each (docs/access.md, "Retire a site on purpose"); otherwise fix the configuration (a renamed site or bucket is a delete and a create).',
  );
  return 1;
}

if (require.main === module) void runCli(DELETIONS_CLI, process.argv.slice(2), main);
