/**
 * `npm run validate`: synthesize every environment, run the guardrail rule pack (guardrails/) over every stack, then
 * for each stack run `terraform init` from the local provider mirror, `terraform validate` and `terraform plan`
 * offline. Plans are kept as JSON in .validate/<stack>/plan.json. Fails on any guardrail error; the Terraform part
 * skips (exit 0) with the reason when Terraform or the mirror is missing.
 *
 * Stacks are checked in parallel, one process per core: each terraform run is mostly the provider starting up.
 * `--stack <name>` checks one synthesized stack (what each parallel process runs).
 */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { failed, formatReport, runGuardrails } from "../guardrails";
import { runCli, type CliSpec, type ParsedArgs } from "./lib/cli";
import { checkStack, offlineUnavailableReason, prepareWorkdir, PROJECT_ROOT, providerMirrorError, releaseWorkdir } from "./lib/terraform";

const STACKS_DIR = path.join(PROJECT_ROOT, "cdktf.out", "stacks");
const stackJson = (stack: string) => JSON.parse(readFileSync(path.join(STACKS_DIR, stack, "cdk.tf.json"), "utf8"));

/** Checks one stack; prints its result lines; returns whether it passed. */
function checkOne(stack: string): boolean {
  const started = Date.now();
  try {
    const { validate, plan, notes } = checkStack(stack, stackJson(stack));
    for (const note of notes) console.log(`  note: ${note}`);
    if (!validate.valid) {
      console.log(`FAIL ${stack}: terraform validate`);
      for (const d of validate.diagnostics) console.log(`  ${d.severity}: ${d.summary}${d.detail ? ` - ${d.detail}` : ""}`);
      return false;
    }
    console.log(
      `ok   ${stack}: valid; plan: ${plan!.changes.length} resources to change (${((Date.now() - started) / 1000).toFixed(1)} s) -> .validate/${stack}/plan.json`,
    );
    return true;
  } catch (err) {
    console.log(`FAIL ${stack}: ${(err as Error).message}`);
    return false;
  }
}

/** Runs `--stack <name>` in a child process; resolves with its exit code and output. */
function checkInChild(stack: string): Promise<{ status: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), [__filename, "--stack", stack], { cwd: PROJECT_ROOT });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (status) => resolve({ status: status ?? 1, output }));
  });
}

const VALIDATE_OPTIONS = { stack: { type: "string" } } as const;
const VALIDATE_CLI: CliSpec<typeof VALIDATE_OPTIONS> = {
  command: "validate",
  usage: [
    "usage: npm run validate [-- --stack <name>]",
    "  synthesizes every environment, runs the guardrails, then terraform init/validate/plan offline per stack",
    "  --stack  check one synthesized stack of cdktf.out/stacks (what each parallel process runs)",
  ].join("\n"),
  options: VALIDATE_OPTIONS,
};

async function main({ values }: ParsedArgs<typeof VALIDATE_OPTIONS>): Promise<number> {
  if (values.stack !== undefined) return checkOne(values.stack) ? 0 : 1;
  // A mirror the user named but that is wrong is their mistake, not a missing tool: fail before anything runs.
  const mirrorError = providerMirrorError();
  if (mirrorError) {
    console.log(`error: ${mirrorError}`);
    return 1;
  }

  const synth = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "scripts", "app.mjs")], { cwd: PROJECT_ROOT, stdio: "inherit" });
  if (synth.status !== 0) return synth.status ?? 1;
  const stacks = readdirSync(STACKS_DIR).sort();
  const report = await runGuardrails(Object.fromEntries(stacks.map((s) => [s, stackJson(s)])));
  console.log(formatReport(report));
  const guardrailStatus = failed(report) ? 1 : 0;
  const reason = offlineUnavailableReason();
  if (reason) {
    console.log(`SKIPPED terraform validate/plan: ${reason}`);
    return guardrailStatus;
  }
  // terraform init one at a time: the shared plugin cache is not safe for concurrent installs.
  // Each child plans in the directory prepared here, so hand it over.
  for (const stack of stacks) {
    prepareWorkdir(stack, stackJson(stack));
    releaseWorkdir(stack);
  }

  const results: { status: number; output: string }[] = new Array(stacks.length);
  let next = 0;
  const worker = async () => {
    while (next < stacks.length) {
      const i = next++;
      results[i] = await checkInChild(stacks[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(os.cpus().length, stacks.length) }, worker));
  for (const r of results) process.stdout.write(r.output);
  return results.some((r) => r.status !== 0) ? 1 : guardrailStatus;
}

void runCli(VALIDATE_CLI, process.argv.slice(2), main);
