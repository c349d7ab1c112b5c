/**
 * Deletion protection, proven with real Terraform on the crafted applied state: in an environment with
 * security.protectFromDeletion, a change that would replace a site bucket (a renamed bucket) makes the plan fail
 * instead of destroying it. Built from a copy of the prod example reduced to one plain site, so the plans stay quick.
 */
import { validateEnvironments } from "../environments/load";
import prod from "../environments/prod";
import { planAgainstState } from "../scripts/terraform";
import { synthesize } from "./support/synth";
import { describeWithTerraform } from "./support/terraform";

const site = prod.sites!.find((s) => !s.continuousDeployment && !s.invalidation)!;
const env = validateEnvironments([
  {
    file: "environments/prod.ts",
    input: {
      ...prod,
      security: { ...prod.security, protectFromDeletion: true },
      alarms: undefined,
      products: prod.products.map(({ access: _access, ...p }) => p),
      githubOidc: undefined,
      sites: [site],
    },
  },
])[0];
const stack = synthesize([env]).prod;
const isSiteBucket = (address: string) => address.startsWith(`aws_s3_bucket.site-${site.name}_bucket_`);

describeWithTerraform("deletion protection (offline plan)", () => {
  test("the applied state plans no change (protection itself is no drift)", () => {
    const plan = planAgainstState("test-deletion-protection", stack, () => {});
    expect(plan.exitCode).toBe(0);
  });

  test("a change that replaces the site bucket fails the plan: prevent_destroy", () => {
    let touched = 0;
    expect(() =>
      planAgainstState("test-deletion-protection", stack, (address, attrs) => {
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
});
