/**
 * Deletion protection, proven with real Terraform on the crafted applied state: in an environment with
 * security.protectFromDeletion, a change that would replace a site bucket (a renamed bucket) makes the plan fail
 * instead of destroying it. Built from a copy of the prod example reduced to one plain site without the features that
 * do not touch deletion (alarms, access, OIDC, the change recorder, WAF), so the plans stay quick: a WAF web ACL alone
 * adds about 3 s to every plan of the stack (its rule statements are a deeply nested schema).
 */
import { validateEnvironments } from "../../config/load";
import prod from "../../environments/prod";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { protectedDeletions } from "../../scripts/check-deletions";
import type { PlanResult } from "../../scripts/lib/terraform";
import { planAgainstState, type CraftedCase } from "../../scripts/lib/crafted-state";
import { synthesize } from "../support/synth";
import { describeWithTerraform } from "../support/terraform";

const site = prod.sites!.find((s) => !s.continuousDeployment && !s.invalidation)!;
const input = {
  ...prod,
  security: { ...prod.security, protectFromDeletion: true, requireWaf: false },
  alarms: undefined,
  changeRecorder: undefined,
  products: prod.products.map(({ access: _access, ...p }) => p),
  githubOidc: undefined,
  sites: [{ ...site, waf: undefined }],
};
const env = validateEnvironments([{ file: "environments/prod.ts", input }])[0];
export const NAME = "test-deletion-protection";
export const stack = synthesize([env]).prod;
// The same environment after someone removed the site entry: prevent_destroy leaves with the resource.
const withoutSite = synthesize([{ ...env, sites: [] }]).prod;
const isSiteBucket = (address: string) => address.startsWith(`aws_s3_bucket.site-${site.name}_bucket_`);

/**
 * The cases that plan, with the other drift suites' in one Terraform plan (test/drift-plans.terraform.test.ts), each
 * against its own copy of the applied state; each test asserts its own. The replacement that must fail to plan is
 * planned on its own.
 */
export const cases: Record<string, CraftedCase> = { unchanged: () => {}, siteRemoved: { config: withoutSite } };

/** The tests, on this stack's cases (`plans`) and its plan on an empty state (`emptyPlan`): test/drift-plans.terraform.test.ts. */
export function describeDrift(plans: () => Record<string, PlanResult>): void {
  describeWithTerraform("deletion protection (offline plan)", () => {
    test("the applied state plans no change (protection itself is no drift)", () => {
      const plan = plans().unchanged;
      expect(plan.changes).toEqual([]);
      expect(plan.exitCode).toBe(0);
    });

    test("a change that replaces the site bucket fails the plan: prevent_destroy", () => {
      let touched = 0;
      expect(() =>
        planAgainstState(NAME, stack, (address, attrs) => {
          // The state holds another bucket name than the configuration: Terraform must replace the bucket.
          if (isSiteBucket(address)) {
            attrs.bucket = `${attrs.bucket}-old`;
            attrs.id = attrs.bucket;
            touched++;
          }
        }),
      ).toThrow(/Instance cannot be destroyed/);
      expect(touched).toBe(1);
    });

    test("removing the site entry plans its deletion (Terraform's limit); check:deletions refuses that plan unless allowed", () => {
      const plan = plans().siteRemoved;
      expect(plan.exitCode).toBe(2);
      const found = protectedDeletions(plan.plan);
      expect(found.map((d) => [d.type, d.action]).sort()).toEqual([
        ["aws_cloudfront_distribution", "delete"],
        ["aws_s3_bucket", "delete"],
      ]);
      expect(
        protectedDeletions(
          plan.plan,
          found.map((d) => d.address),
        ),
      ).toEqual([]);

      // The CLI a deploy job runs: exit 1 naming each resource, exit 0 once each is allowed.
      const tmp = mkdtempSync(path.join(os.tmpdir(), "edge-plan-"));
      const file = path.join(tmp, "prod.plan.json");
      writeFileSync(file, JSON.stringify(plan.plan));
      // The environment as this test configured it, not the repository's example.
      mkdirSync(path.join(tmp, "envs"));
      writeFileSync(path.join(tmp, "envs", "prod.json"), JSON.stringify(input));
      const run = (...extra: string[]) =>
        spawnSync(
          path.join(__dirname, "..", "..", "node_modules", ".bin", "tsx"),
          [path.join(__dirname, "..", "..", "scripts", "check-deletions.ts"), "--env", "prod", file, ...extra],
          {
            encoding: "utf8",
            env: { ...process.env, EDGE_ENVIRONMENTS_DIR: path.join(tmp, "envs") },
          },
        );
      const refused = run();
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain("prod is protected from deletion");
      for (const d of found) expect(refused.stderr).toContain(d.address);
      const allowed = run(...found.flatMap((d) => ["--allow", d.address]));
      expect([allowed.status, allowed.stdout]).toEqual([0, expect.stringContaining("ok: prod")]);
    });
  });
}
