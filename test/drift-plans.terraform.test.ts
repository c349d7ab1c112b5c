/**
 * The drift proofs of the features with a purpose-built stack each (test/drift/): every stack's crafted applied
 * state, changed the way someone outside Terraform changes it, planned offline. The stacks share two Terraform plans
 * (planAgainstStatesOf: one of every stack on an empty state, one of every case of every stack) instead of two per
 * stack, so the plans' and shows' fixed cost (starting Terraform and the provider, loading its schema) is paid once.
 * Each feature's tests read only its own cases.
 */
import { emptyStatePlans, planAgainstStatesOf } from "../scripts/lib/crafted-state";
import type { PlanResult } from "../scripts/lib/terraform";
import * as cloudfrontFunctions from "./drift/cloudfront-functions";
import * as containerFunctions from "./drift/container-functions";
import * as continuousDeployment from "./drift/continuous-deployment";
import * as deletionProtection from "./drift/deletion-protection";

const BATCH = "test-drift";
const suites = [containerFunctions, cloudfrontFunctions, continuousDeployment, deletionProtection];

let results: Record<string, Record<string, PlanResult>> | undefined;
const plansOf = (name: string) => () =>
  (results ??= planAgainstStatesOf(BATCH, Object.fromEntries(suites.map((s) => [s.NAME, { stackJson: s.stack, cases: s.cases }]))))[name];
/** The same batch planAgainstStatesOf plans first: a cache hit once the cases are planned. */
const emptyPlanOf = (name: string) => () => emptyStatePlans(BATCH, Object.fromEntries(suites.map((s) => [s.NAME, s.stack])))[name];

for (const suite of suites) suite.describeDrift(plansOf(suite.NAME), emptyPlanOf(suite.NAME));
