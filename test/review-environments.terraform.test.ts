/**
 * The offline review under real Terraform on every example environment (the frozen copies in
 * test/fixtures/environments/, so adding an environment to the repository changes nothing here) and on a generated
 * environment with every option on (test/support/every-option.ts): together they hold every resource type the
 * project can synthesize. For each, the base's crafted applied state must be accepted by Terraform (the check that
 * keeps a placeholder from breaking a stack's review, as one did for every prod change), and a pull-request-shaped
 * change must render: the log retention changed, and a new cache behavior `/campaign/*` with a new CloudFront
 * Function, which must be visible by its path pattern and its function name.
 *
 * Plans: per stack, one on an empty state to craft the base's applied state, and one batch that plans the head
 * against it together with the proof that the crafted state is the applied one (planAgainstBase).
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { validateEnvironments } from "../config/load";
import { readManifestSources, validateFunctions } from "../config/functions/cf2/load";
import { LOG_RETENTION_DAYS } from "../model/limits";
import { appliedState } from "../scripts/lib/crafted-state";
import { showsCraftedValue } from "../scripts/lib/placeholders";
import { renderReview, renderStack, type RenderedStack, type StackPlan } from "../scripts/lib/review/markdown";
import { offlineReview, type Stacks } from "../scripts/lib/review/offline";
import { EVERY_OPTION_ENV, everyOptionInput, functionSources, PASS_THROUGH, synthesizeEveryOption, type EnvironmentInput } from "./support/every-option";
import { synthesize } from "./support/synth";
import { describeWithTerraform } from "./support/terraform";

const FIXTURES = path.join(__dirname, "fixtures");
const frozen: EnvironmentInput[] = readdirSync(path.join(FIXTURES, "environments"))
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(FIXTURES, "environments", f), "utf8")));

/** The head's change to one environment: another log retention, and a `/campaign/*` behavior on its first site. */
function changed(input: EnvironmentInput): EnvironmentInput {
  const copy = JSON.parse(JSON.stringify(input));
  copy.logRetentionDays = LOG_RETENTION_DAYS.find((d) => d > input.logRetentionDays) ?? LOG_RETENTION_DAYS[0];
  copy.sites[0].distribution.behaviors = [...(copy.sites[0].distribution.behaviors ?? []), { pathPattern: "/campaign/*", cachePolicy: "CachingDisabled" }];
  return copy;
}

/** The function the change adds: `campaign`, on the new behavior's viewer-request, owned by the site's team. */
const campaign = (envs: EnvironmentInput[]) =>
  envs.map((e) => ({
    manifest: {
      ticket: "EDGE-9",
      name: `campaign-${e.name}`,
      sid: e.sites[0].sid,
      environments: [e.name],
      runtime: "cloudfront-js-2.0",
      owner: "app",
      associations: [{ site: e.sites[0].name, behavior: "/campaign/*", eventType: "viewer-request" }],
    },
    code: PASS_THROUGH,
  }));

function frozenStacks(inputs: EnvironmentInput[], withCampaign: boolean): Stacks {
  const envs = validateEnvironments(inputs.map((input) => ({ file: `environments/${input.name}.json`, input })));
  const sources = [
    ...readManifestSources(path.join(FIXTURES, "cf2-functions")),
    ...(withCampaign ? readManifestSources(functionSources(campaign(inputs))) : []),
  ];
  return synthesize(envs, validateFunctions(sources, envs));
}

const base: Stacks = { ...frozenStacks(frozen, false), ...synthesizeEveryOption() };
const head: Stacks = { ...frozenStacks(frozen.map(changed), true), ...synthesizeEveryOption(changed(everyOptionInput()), campaign([everyOptionInput()])) };
const envNames = Object.keys(base).sort();
const typesOf = (stack: Stacks[string]) => Object.keys(stack.resource ?? {});
let plans: StackPlan[] | undefined;
let reviewed: { stacks: RenderedStack[]; markdown: string } | undefined;
/** The change's plans (they craft and check every base's applied state, which the tests below read). */
const planned = () => (plans ??= offlineReview({ base, head, baseRef: "main", workdirPrefix: "test-review-envs" }));
const review = () => (reviewed ??= renderReview(planned()));

describeWithTerraform("the offline review of every example environment and of every option", () => {
  test("the stacks hold every resource type the project synthesizes, prod and the every-option environment included", () => {
    expect(envNames).toEqual(expect.arrayContaining(["prod", EVERY_OPTION_ENV]));
    // What the every-option environment adds over the examples: the alarms topic is the one that broke prod reviews.
    expect(typesOf(base[EVERY_OPTION_ENV])).toEqual(
      expect.arrayContaining(["aws_sns_topic", "aws_cloudfront_key_value_store", "aws_lambda_function", "aws_codepipeline", "aws_sfn_state_machine"]),
    );
  });

  test("every stack's crafted applied state is accepted by Terraform and holds every resource type of its configuration", () => {
    review();
    const covered = new Set<string>();
    for (const env of envNames) {
      const state = appliedState(`test-review-envs-${env}`, base[env]);
      const inState = new Set<string>(state.resources.map((r: { type: string }) => r.type));
      expect([env, typesOf(base[env]).filter((t) => !inState.has(t))]).toEqual([env, []]);
      for (const t of inState) covered.add(t);
    }
    const all = new Set(envNames.flatMap((e) => typesOf(base[e])));
    expect([...all].filter((t) => !covered.has(t))).toEqual([]);
  });

  describe("a change to every environment: log retention, and a /campaign/* behavior with a new function", () => {
    test.each(envNames)("%s: reviewed, with the new behavior, its function and the retention visible", (env) => {
      const r = review().stacks.find((s) => s.env === env)!;
      expect(r.failed).toBeFalsy();
      expect(r.markdown).toMatch(new RegExp(`^### ${env}: \\d+ create · \\d+ update`, "m"));
      // The new behavior, element by element, and the function that runs on it (created, and on the diagram).
      expect(r.markdown).toContain('`ordered_cache_behavior["/campaign/*"]`: added');
      expect(r.markdown).toContain('- `path_pattern`: `"/campaign/*"`');
      expect(r.markdown).toContain('- `function_association["viewer-request"].function_arn`: _(known after apply)_');
      const fn = `${env}-${
        head[env].resource.aws_cloudfront_function
          ? Object.values<EnvironmentInput>(head[env].resource.aws_cloudfront_function)
              .find((f) => String(f.name).includes("campaign"))!
              .name.slice(env.length + 1)
          : ""
      }`;
      expect(fn).toMatch(/campaign/);
      expect(r.markdown).toMatch(new RegExp(`- \`aws_cloudfront_function\\.[^\`]+\`[^\\n]*\\n[\\s\\S]*\\| \`name\` \\| \`"${fn}"\` \\|`));
      expect(r.markdown).toContain("```mermaid");
      expect(r.markdown).toMatch(new RegExp(`\\d+\\. /campaign/\\*<br/>viewer-request: ${fn} \\(app\\)`));
      // The log groups' retention, as a leaf change.
      expect(r.markdown).toMatch(/`retention_in_days`: `\d+` → `\d+`/);
      // Nothing crafted, nothing null.
      expect(showsCraftedValue(r.markdown)).toBe(false);
      expect(r.markdown).not.toMatch(/\bnull\b/);
    });
  });

  test("the new function's section renders on its own too (one stack, one comment)", () => {
    const plan = planned().find((p) => p.env === "prod")!;
    expect(renderStack(plan).markdown.startsWith("<!-- edge-review:prod -->")).toBe(true);
  });
});
