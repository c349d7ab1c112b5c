/**
 * `npm run validate`: synthesize every environment, then for each stack run `terraform init` from the local
 * provider mirror, `terraform validate` and `terraform plan` offline. Plans are kept as JSON in
 * .validate/<stack>/plan.json. Skips (exit 0) with the reason when Terraform or the mirror is missing.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { checkStack, offlineUnavailableReason, PROJECT_ROOT } from "./terraform";
import { spawnSync } from "node:child_process";

function main(): number {
  const synth = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "scripts", "app.mjs")], { cwd: PROJECT_ROOT, stdio: "inherit" });
  if (synth.status !== 0) return synth.status ?? 1;

  const reason = offlineUnavailableReason();
  if (reason) {
    console.log(`SKIPPED terraform validate/plan: ${reason}`);
    return 0;
  }
  const stacksDir = path.join(PROJECT_ROOT, "cdktf.out", "stacks");
  let failed = 0;
  for (const stack of readdirSync(stacksDir).sort()) {
    const started = Date.now();
    const json = JSON.parse(readFileSync(path.join(stacksDir, stack, "cdk.tf.json"), "utf8"));
    try {
      const { validate, plan, notes } = checkStack(stack, json);
      for (const note of notes) console.log(`  note: ${note}`);
      if (!validate.valid) {
        failed++;
        console.log(`FAIL ${stack}: terraform validate`);
        for (const d of validate.diagnostics) console.log(`  ${d.severity}: ${d.summary}${d.detail ? ` - ${d.detail}` : ""}`);
        continue;
      }
      const changes = plan!.changes;
      console.log(`ok   ${stack}: valid; plan: ${changes.length} resources to change (${((Date.now() - started) / 1000).toFixed(1)} s) -> .validate/${stack}/plan.json`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${stack}: ${(err as Error).message}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = main();
