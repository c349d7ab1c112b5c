import { validateEnvironments } from "../../config/load";
import stg from "../../environments/stg";
import type { CraftedCase } from "../../scripts/lib/crafted-state";
import type { PlanResult } from "../../scripts/lib/terraform";
import { synthesize } from "../support/synth";
import { describeWithTerraform } from "../support/terraform";

// One environment with one site that uses continuous deployment with a weight canary (so every release step applies),
// without the pipeline, which the release flow does not change: only the resources under test, so each plan stays quick.
const site = stg.sites![0];
const env = validateEnvironments([
  {
    file: "environments/stg.ts",
    input: {
      ...stg,
      products: stg.products.map(({ access: _access, ...p }) => p),
      githubOidc: undefined,
      sites: [
        {
          ...site,
          invalidation: undefined,
          continuousDeployment: { traffic: { type: "weight", weight: 0.05, sessionStickiness: { idleTtlSeconds: 600, maximumTtlSeconds: 3600 } } },
        },
      ],
    },
  },
])[0];
export const stack = synthesize([env]).stg;
export const NAME = "test-cd-drift";

type Attrs = Record<string, any>;
const isPrimary = (address: string) => address.startsWith("aws_cloudfront_distribution.site-web_distribution_");
const isStaging = (address: string) => address.startsWith("aws_cloudfront_distribution.cd-web_staging_");
const isPolicy = (address: string) => address.startsWith("aws_cloudfront_continuous_deployment_policy.");
const isReleaseVersion = (address: string) => address.startsWith("aws_ssm_parameter.cd-web_release-version_");

/** What the Deploy stage and the Configure state machine leave behind for release "3f9c2ab": the header test route open. */
function afterConfigure(address: string, attrs: Attrs): void {
  if (isReleaseVersion(address)) Object.assign(attrs, { value: "3f9c2ab", version: 2 });
  if (isStaging(address)) {
    attrs.origin[0].origin_path = "/3f9c2ab";
    Object.assign(attrs, { etag: "E2STAGING2", last_modified_time: "2026-11-22T10:00:00Z" });
  }
  // The first release attaches the policy (CloudFront refuses it at creation).
  if (isPrimary(address)) Object.assign(attrs, { continuous_deployment_policy_id: "a1b2c3d4-policy", etag: "E2PRIMARY2" });
  if (isPolicy(address)) Object.assign(attrs, { enabled: true, etag: "E2POLICY2" });
}

/** What the canary state machine leaves after the first approval: the policy sends 5% of viewers to staging. */
function afterCanary(address: string, attrs: Attrs): void {
  afterConfigure(address, attrs);
  if (isPolicy(address)) {
    attrs.traffic_config = [
      {
        type: "SingleWeight",
        single_header_config: [],
        single_weight_config: [{ weight: 0.05, session_stickiness_config: [{ idle_ttl: 600, maximum_ttl: 3600 }] }],
      },
    ];
    Object.assign(attrs, { etag: "E2POLICY3" });
  }
}

/** What UpdateDistributionWithStagingConfig leaves: the staging configuration on the primary, the policy disabled. */
function afterPromote(address: string, attrs: Attrs): void {
  afterCanary(address, attrs);
  if (isPrimary(address)) {
    attrs.origin[0].origin_path = "/3f9c2ab";
    Object.assign(attrs, { etag: "E2PRIMARY3", last_modified_time: "2026-11-22T10:30:00Z" });
  }
  if (isPolicy(address)) Object.assign(attrs, { enabled: false, etag: "E2POLICY4" });
}

/** What Rollback leaves after a rejected canary: the policy disabled and back on the test route; primary untouched. */
function afterRollback(address: string, attrs: Attrs): void {
  afterConfigure(address, attrs);
  if (isPolicy(address)) Object.assign(attrs, { enabled: false, etag: "E2POLICY4" });
}

/**
 * Every stage of the release flow, planned with the other drift suites' in one Terraform plan
 * (test/drift-plans.terraform.test.ts), each against its own copy of the applied state; each test asserts its own
 * case's part of that plan.
 */
let seenCanary = false;
let touchedByPromote = 0;
export const cases: Record<string, CraftedCase> = {
  configured: afterConfigure,
  canary: (address, attrs) => {
    afterCanary(address, attrs);
    if (isPolicy(address)) seenCanary = attrs.traffic_config[0].type === "SingleWeight";
  },
  rolledBack: afterRollback,
  promoted: (address, attrs) => {
    afterPromote(address, attrs);
    if (isPrimary(address) || isStaging(address) || isPolicy(address) || isReleaseVersion(address)) touchedByPromote++;
  },
  consoleEdit: (address, attrs) => {
    afterPromote(address, attrs);
    if (isPrimary(address)) attrs.default_root_object = "home.html";
  },
};

/** The tests, on this stack's cases (`plans`) and its plan on an empty state (`emptyPlan`): test/drift-plans.terraform.test.ts. */
export function describeDrift(plans: () => Record<string, PlanResult>): void {
  describeWithTerraform("continuous deployment: the release flow is not drift", () => {
    test("after Configure (staging repointed, policy attached and enabled, new release version) the plan is empty", () => {
      const plan = plans().configured;
      expect(plan.changes).toEqual([]);
      expect(plan.exitCode).toBe(0);
    });

    test("after the canary starts (policy switched to the 5% weight) the plan is empty", () => {
      const plan = plans().canary;
      expect(seenCanary).toBe(true);
      expect(plan.changes).toEqual([]);
      expect(plan.exitCode).toBe(0);
    });

    test("after a rejection (Rollback disabled the policy) the plan is empty", () => {
      const plan = plans().rolledBack;
      expect(plan.changes).toEqual([]);
      expect(plan.exitCode).toBe(0);
    });

    test("after Promote (primary carries the staging configuration, policy disabled) the plan is empty", () => {
      const plan = plans().promoted;
      expect(touchedByPromote).toBe(4); // the mutation really reached the four resources the release flow changes
      expect(plan.changes).toEqual([]);
      expect(plan.exitCode).toBe(0);
    });

    test("a console edit of something the release flow does not own is still drift, and only that", () => {
      const plan = plans().consoleEdit;
      expect(plan.exitCode).toBe(2);
      expect(plan.changes).toEqual([expect.stringMatching(/^aws_cloudfront_distribution\.site-web_distribution_\w+: update$/)]);
    });
  });
}
