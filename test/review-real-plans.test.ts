/**
 * `npm run review -- --plan` on real `terraform show -json` plans from other projects' test data
 * (test/fixtures/real/SOURCES.md): each is read through the plan-file check and rendered, and the counts, actions,
 * flags and wording are asserted, with no `null` and no crafted placeholder anywhere in the output.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readPlan } from "../scripts/lib/review/changes";
import { PlanSource, renderStack } from "../scripts/lib/review/markdown";
import { isValidatePlan, readPlanFile } from "../scripts/lib/review/plan-file";
import { showsCraftedValue } from "../scripts/lib/placeholders";

const PLANS = path.join(__dirname, "fixtures", "real", "plans");
const review = (file: string) => {
  const plan = readPlanFile(path.join(PLANS, file));
  return { plan, changes: readPlan(plan), ...renderStack({ env: "real", source: PlanSource.AWS, plan }) };
};

const cases: [string, Record<string, number>, (string | RegExp)[]][] = [
  ["terraform-show-json-moved.json", { update: 1 }, ['- `test_instance.baz` (moved from `test_instance.foo`): `ami`: `"foo"` → `"baz"`']],
  [
    "terraform-show-json-requires-replace.json",
    { replace: 1 },
    ['- `test_instance.test`: forced by `ami` (delete, then create: nothing serves in between); `ami`: `"bar"` → `"force-replace"`'],
  ],
  [
    "terraform-show-json-basic-delete.json",
    { update: 1, delete: 1 },
    ["- `test_instance.test-delete`: its configuration was removed", "### real: 1 update · 1 delete ⚠"],
  ],
  ["terraform-show-json-sensitive-values.json", { create: 1 }, ["| `ami` | _(sensitive)_ |"]],
  [
    "terraform-show-json-multi-resource-update.json",
    { create: 1, move: 1 },
    ["- `test_instance.test` → `test_instance.test[0]`: moved in the state only, nothing changes in AWS", "### real: 1 create · 1 move"],
  ],
  ["terraform-show-json-drift.json", { update: 2 }, ['- `test_instance.should_refresh`: `ami`: `"refreshed"` → `"baz"`']],
  [
    "tf-plan-format-delete-create.json",
    { replace: 1 },
    ["forced by `triggers` (delete, then create", '`triggers.always_run`: `"2024-10-25T21:40:19Z"` → _(known after apply)_'],
  ],
  ["tf-plan-format-sensitive.json", { replace: 1 }, ["forced by `length`", "`length`: `4` → `8`", "`hex`: _(sensitive)_ → _(known after apply)_"]],
  ["tf-plan-format-no-op.json", {}, [/^<!-- edge-review:real -->\n\*\*real\*\*: no changes/]],
  [
    "tf-summarize-example.json",
    { create: 7 },
    ['- `module.github["demo-repository"].github_branch.development`', '| `topics` | `["summary","terraform"]` |', "_Not counted: 1 unchanged._"],
  ],
  ["tf-plan-format-update.json", { update: 1 }, ['`input`: `"foo"` → `"bar"`', '`output`: `"foo"` → _(known after apply)_']],
];

describe("real plans (terraform show -json from public test data)", () => {
  test.each(cases)("%s", (file, counts, expected) => {
    const r = review(file);
    expect(Object.fromEntries(Object.entries(r.counts).filter(([, n]) => n > 0))).toEqual(counts);
    for (const e of expected) expect(r.markdown).toMatch(typeof e === "string" ? new RegExp(e.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : e);
    expect(r.markdown).not.toMatch(/\bnull\b/);
    expect(showsCraftedValue(r.markdown)).toBe(false);
    // Sensitive values never show.
    const secrets = r.changes.flatMap((c) =>
      Object.entries(c.before ?? {})
        .filter(([k]) =>
          JSON.stringify(r.plan.resource_changes.find((rc: { address: string }) => rc.address === c.address)?.change.before_sensitive ?? {}).includes(
            `"${k}":true`,
          ),
        )
        .map(([, v]) => v),
    );
    for (const s of secrets) if (typeof s === "string" && s.length > 3) expect(r.markdown).not.toContain(s);
  });

  test("flags: a deleted resource the platform does not know is counted, not flagged; replacements are warned in the header", () => {
    expect(review("terraform-show-json-basic-delete.json").flags).toEqual([]);
    expect(review("tf-plan-format-sensitive.json").markdown).toMatch(/^### real: 1 replace ⚠$/m);
  });
});

describe("a file that is not a plan: one line naming the file and what is wrong", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "review-bad-plans-"));
  const write = (name: string, text: string) => {
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const real = readPlanFile(path.join(PLANS, "tf-plan-format-update.json"));
  test.each([
    ["missing", path.join(dir, "nonexistent.json"), "the file is missing"],
    ["truncated", write("truncated.json", JSON.stringify(real).slice(0, 200)), "not JSON, or cut short"],
    ["wrong format_version", write("v0.json", JSON.stringify({ ...real, format_version: "0.1" })), 'format_version "0.1" is not one this review reads (1.x)'],
    ["resource_changes not an array", write("rc.json", JSON.stringify({ ...real, resource_changes: {} })), "resource_changes is an object, not an array"],
    [
      "a state file",
      write("state.json", JSON.stringify({ format_version: "1.0", values: { root_module: {} } })),
      "not a Terraform plan: no resource_changes, planned_values or configuration",
    ],
    ["empty", write("empty.json", ""), "the file is empty"],
  ])("%s", (_what, file, problem) => {
    expect(() => readPlanFile(file, `--plan dev=${file}`)).toThrow(`--plan dev=${file}: ${problem}`);
    try {
      readPlanFile(file, "x");
    } catch (err) {
      expect((err as Error).message.split("\n")).toHaveLength(1);
      expect((err as Error).constructor.name).toBe("ReviewError");
    }
  });
});

test("a plan npm run validate made (dummy credentials in its provider configuration) is labelled offline, not a plan against AWS", () => {
  const plan = { ...readPlanFile(path.join(PLANS, "tf-plan-format-update.json")) };
  expect(isValidatePlan(plan)).toBe(false);
  // What toOfflineConfig writes into every stack `npm run validate` plans, as `terraform show -json` records it.
  plan.configuration = {
    provider_config: {
      aws: { name: "aws", expressions: { access_key: { constant_value: "offline" }, skip_credentials_validation: { constant_value: true } } },
    },
  };
  expect(isValidatePlan(plan)).toBe(true);
  const md = renderStack({ env: "dev", source: PlanSource.VALIDATE, plan }).markdown;
  expect(md).toContain("_offline plan from `npm run validate` (dummy credentials and a local state, no AWS account read: not a plan against AWS)_");
  expect(md).not.toContain("plan against AWS (real state");
});
