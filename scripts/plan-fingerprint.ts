/**
 * `npx tsx scripts/plan-fingerprint.ts <plan.json>`: one line per planned change (address, actions, SHA-256 of the
 * planned values with sensitive ones masked), so the apply job can refuse a plan that differs from the one the
 * approvers were shown. No value is printed; sensitive values are not even hashed.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { maskSensitive, stableJson, type Json } from "./lib/review/changes";

export function fingerprint(plan: Json): string[] {
  const hash = (v: unknown) => createHash("sha256").update(stableJson(v)).digest("hex").slice(0, 16);
  const resources = (plan.resource_changes ?? [])
    .filter((rc: Json) => !["no-op", "read"].includes(rc.change.actions.join("+")))
    .map(
      (rc: Json) =>
        `${rc.address} ${rc.change.actions.join("+")} ${hash([maskSensitive(rc.change.after, rc.change.after_sensitive), rc.change.after_unknown])}`,
    );
  const outputs = Object.entries<Json>(plan.output_changes ?? {})
    .filter(([, c]) => c.actions.join("+") !== "no-op")
    .map(([name, c]) => `output.${name} ${c.actions.join("+")} ${hash(maskSensitive(c.after, c.after_sensitive))}`);
  return [...resources, ...outputs].sort();
}

if (require.main === module) {
  const file = process.argv[2];
  try {
    if (!file) throw new Error("usage: npx tsx scripts/plan-fingerprint.ts <plan.json> (terraform show -json of the plan)");
    process.stdout.write(`${fingerprint(JSON.parse(readFileSync(file, "utf8"))).join("\n")}\n`);
  } catch (err) {
    process.stderr.write(`plan-fingerprint: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
