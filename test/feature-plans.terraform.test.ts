/**
 * The offline plans of the features with a purpose-built environment each (test/plans/): every environment is a case
 * of ONE batched Terraform plan (terraformPlanBatch), so the plan's and the show's fixed cost (starting Terraform and
 * the provider, loading its schema) is paid once for all of them. Each feature's tests read only its own case.
 */
import { terraformPlanBatch, type PlanResult } from "../scripts/lib/terraform";
import * as changeRecorder from "./plans/change-recorder";
import * as invalidator from "./plans/invalidator";

const features = { changeRecorder, invalidator };
type Feature = keyof typeof features;

let batch: Record<string, PlanResult> | undefined;
const planOf = (feature: Feature) => () => {
  batch ??= terraformPlanBatch("test-feature-plans", Object.fromEntries(Object.entries(features).map(([key, f]) => [key, { config: f.stack }])));
  return batch[feature];
};

for (const [key, feature] of Object.entries(features)) feature.describePlan(planOf(key as Feature));
