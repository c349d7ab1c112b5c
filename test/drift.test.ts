import { validateEnvironments } from "../environments/load";
import dev from "../environments/dev";
import { changedResources, planAgainstState } from "../scripts/terraform";
import { synthesize } from "./support/synth";
import { describeWithTerraform } from "./support/terraform";

// One small site keeps the plans quick; the harness is the same for every module.
const env = validateEnvironments([{ file: "environments/dev.ts", input: { ...dev, sites: [dev.sites![1]] } }])[0];
const stack = synthesize([env]).dev;

describeWithTerraform("drift proofs against a crafted applied state", () => {
  test("an applied stack plans no changes", () => {
    const plan = planAgainstState("test-drift", stack, () => {});
    expect(changedResources(plan.plan)).toEqual([]);
    expect(plan.exitCode).toBe(0);
  });

  test("a change made outside Terraform to an attribute the module owns shows up as drift", () => {
    const plan = planAgainstState("test-drift", stack, (address, attrs) => {
      if (address.startsWith("aws_cloudfront_distribution.")) attrs.comment = "edited in the console";
    });
    expect(plan.exitCode).toBe(2);
    expect(changedResources(plan.plan)).toEqual([expect.stringMatching(/^aws_cloudfront_distribution\.site-lp_distribution_\w+: update$/)]);
  });
});
