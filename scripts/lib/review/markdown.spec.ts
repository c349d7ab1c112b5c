import { anyMarked, maskSensitive, readPlan, withoutEmpty } from "./changes";
import { COMMENT_LIMIT, lineDiff, markerOf, PlanSource, renderReview, renderStack } from "./markdown";
import { parseArgs } from "../../review";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const rc = (address: string, actions: string[], before: Json | null, after: Json | null, extra: Json = {}): Json => ({
  address,
  mode: "managed",
  type: address.split(".")[0],
  name: address.split(".")[1],
  change: { actions, before, after, after_unknown: {}, before_sensitive: {}, after_sensitive: {}, ...extra },
});
const plan = (...changes: Json[]) => ({ format_version: "1.2", resource_changes: changes });

describe("reading a plan", () => {
  test("no-ops and reads are not changes; delete+create is a replacement with its forcing path", () => {
    const changes = readPlan(
      plan(
        rc("aws_s3_bucket.a", ["no-op"], { bucket: "a" }, { bucket: "a" }),
        rc("aws_s3_bucket.b", ["delete", "create"], { bucket: "b" }, { bucket: "b2" }, { replace_paths: [["bucket"]] }),
        rc("aws_cloudfront_distribution.d", ["create", "delete"], { origin: [{ domain_name: "x" }] }, { origin: [{ domain_name: "y" }] }, { replace_paths: [["origin", 0, "domain_name"]] }),
      ),
    );
    expect(changes.map((c) => [c.address, c.action, c.forcedBy])).toEqual([
      ["aws_s3_bucket.b", "replace", ["bucket"]],
      ["aws_cloudfront_distribution.d", "replace", ["origin[0].domain_name"]],
    ]);
  });

  test("provider defaults (null vs empty) are not changes; real changes are", () => {
    const [c] = readPlan(plan(rc("aws_cloudfront_distribution.d", ["update"], { a: null, b: [{ x: null, y: 1 }], c: "on" }, { a: "", b: [{ x: "", y: 1 }], c: "off" })));
    expect(c.attributes.map((a) => a.name)).toEqual(["c"]);
    expect(withoutEmpty({ a: [{ b: null, c: "" }], d: 0, e: false, f: "x" })).toEqual({ f: "x" });
  });

  test("sensitive values are masked wherever the plan marks them, nested ones included", () => {
    expect(maskSensitive({ a: "open", b: [{ secret: "s3cr3t", x: 1 }] }, { b: [{ secret: true }] })).toEqual({ a: "open", b: [{ secret: "(sensitive)", x: 1 }] });
    expect(anyMarked({ b: [{}, { c: true }] })).toBe(true);
    const md = renderStack({
      env: "dev",
      source: PlanSource.AWS,
      plan: plan(
        rc("aws_ssm_parameter.p", ["update"], { value: "old-secret", tags: {} }, { value: "new-secret", tags: {} }, { before_sensitive: { value: true }, after_sensitive: { value: true } }),
        rc("aws_lambda_function.f", ["update"], { environment: [{ variables: { TOKEN: "t0ken", MODE: "a" } }] }, { environment: [{ variables: { TOKEN: "t0ken2", MODE: "b" } }] }, { before_sensitive: { environment: [{ variables: { TOKEN: true } }] }, after_sensitive: { environment: [{ variables: { TOKEN: true } }] } }),
      ),
    }).markdown;
    expect(md).toContain("`value`: _(sensitive)_ → _(sensitive)_");
    expect(md).toContain('`environment[0].variables.MODE`: `"a"` → `"b"`');
    expect(md).toContain("`environment[0].variables.TOKEN`: _(sensitive)_ → _(sensitive)_");
    for (const secret of ["old-secret", "new-secret", "t0ken"]) expect(md).not.toContain(secret);
  });
});

describe("rendering a stack", () => {
  test("header counts by action with ⚠, marker first, honest label, replacements before deletes, creates and updates", () => {
    const md = renderStack({
      env: "dev",
      source: PlanSource.AWS,
      plan: plan(
        rc("aws_iam_role.u", ["update"], { description: "a" }, { description: "b" }),
        rc("aws_sqs_queue.c", ["create"], null, { name: "q" }),
        rc("aws_sqs_queue.d", ["delete"], { name: "gone", delay_seconds: 5 }, null),
        rc("aws_s3_bucket.r", ["delete", "create"], { bucket: "a" }, { bucket: "b" }, { replace_paths: [["bucket"]] }),
      ),
    }).markdown;
    const lines = md.split("\n");
    expect(lines[0]).toBe(markerOf("dev"));
    expect(lines[1]).toBe("### dev: 1 create · 1 update · 1 delete · 1 replace ⚠");
    expect(lines[2]).toBe("_plan against AWS (real state, refreshed)_");
    const order = ["**Replace", "**Delete", "**Create", "**Update"].map((s) => md.indexOf(s));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(md).toContain('- `aws_iam_role.u`: `description`: `"a"` → `"b"`');
    expect(md).toContain('- `aws_s3_bucket.r`: forced by `bucket` (delete, then create: nothing serves in between); `bucket`: `"a"` → `"b"`');
  });

  test("a stack without changes is one line after its marker", () => {
    const r = renderStack({ env: "stg", source: PlanSource.OFFLINE, baseRef: "origin/main", plan: plan(rc("aws_s3_bucket.a", ["no-op"], {}, {})) });
    expect(r.markdown.split("\n")).toHaveLength(2);
    expect(r.markdown).toMatch(/^<!-- edge-review:stg -->\n\*\*stg\*\*: no changes · _offline plan against the base branch `origin\/main`/);
  });

  test("an update of an app-owned function is flagged (ignore_changes in the synthesized stack, or the comment)", () => {
    const fn = rc("aws_cloudfront_function.f", ["update"], { code: "a", comment: "X-1 hello" }, { code: "b", comment: "X-1 hello" });
    const headStack = { resource: { aws_cloudfront_function: { f: { lifecycle: { ignore_changes: ["code", "comment"] } } } } };
    const r = renderStack({ env: "dev", source: PlanSource.AWS, plan: plan(fn), headStack });
    expect(r.flags.map((f) => f.kind)).toEqual(["owned-update"]);
    expect(r.markdown).toContain("is owned by its application team, yet the plan updates it (`code`)");
    const byComment = rc("aws_cloudfront_function.g", ["update"], { code: "a", comment: "X-1 g (code owned by the application team)" }, { code: "b", comment: "X-1 g (code owned by the application team)" });
    expect(renderStack({ env: "dev", source: PlanSource.AWS, plan: plan(byComment) }).flags.map((f) => f.kind)).toEqual(["owned-update"]);
    const infra = rc("aws_cloudfront_function.h", ["update"], { code: "a", comment: "X-1 h (code from the repository)" }, { code: "b", comment: "X-1 h (code from the repository)" });
    expect(renderStack({ env: "dev", source: PlanSource.AWS, plan: plan(infra) }).flags).toEqual([]);
  });

  test("an attribute the base left to the release flow, now set by the head, is flagged", () => {
    const d = rc("aws_cloudfront_distribution.d", ["update"], { origin: [{ origin_id: "green" }] }, { origin: [{ origin_id: "blue" }] });
    const baseStack = { resource: { aws_cloudfront_distribution: { d: { lifecycle: { ignore_changes: ["origin"] } } } } };
    const r = renderStack({ env: "prod", source: PlanSource.OFFLINE, plan: plan(d), baseStack, headStack: { resource: { aws_cloudfront_distribution: { d: {} } } } });
    expect(r.markdown).toContain("changes `origin`, which the release flow or an application team owns (ignored until now): applying reverts their last change.");
  });

  test("a huge plan fits the comment limit: details go first, then resources, and it says so", () => {
    const many = Array.from({ length: 3000 }, (_, i) => rc(`aws_sqs_queue.q${i}`, ["create"], null, { name: `queue-${i}`, policy: JSON.stringify({ Statement: [{ Sid: `s${i}`, Resource: "x".repeat(50) }] }) }));
    const r = renderStack({ env: "big", source: PlanSource.AWS, plan: plan(...many) });
    expect(r.truncated).toBe(true);
    expect(r.markdown.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(r.markdown.startsWith(markerOf("big"))).toBe(true);
    expect(r.markdown).toContain("### big: 3000 create");
    expect(r.markdown).toMatch(/> \*\*Truncated\*\*: attribute details and \d+ of 3000 resources were left out to fit GitHub's 65,536-character comment limit/);
    const medium = Array.from({ length: 400 }, (_, i) => rc(`aws_sqs_queue.q${i}`, ["create"], null, { name: `queue-${i}`, policy: "p".repeat(400) }));
    const m = renderStack({ env: "mid", source: PlanSource.AWS, plan: plan(...medium) });
    expect(m.markdown).toContain("attribute details were left out");
    expect(m.markdown).toContain("- `aws_sqs_queue.q399`");
    const small = renderStack({ env: "s", source: PlanSource.AWS, plan: plan(...medium.slice(0, 3)) });
    expect(small.truncated).toBe(false);
    expect(small.markdown).toContain("<details><summary>2 attributes</summary>");
  });

  test("the review joins every stack under one heading", () => {
    const r = renderReview([
      { env: "dev", source: PlanSource.AWS, plan: plan(rc("aws_s3_bucket.a", ["delete"], { bucket: "a" }, null)) },
      { env: "stg", source: PlanSource.AWS, plan: plan() },
    ]);
    expect(r.markdown.split("\n")[0]).toBe("## Infrastructure review: 2 stacks · 1 flag ⚠");
    expect(r.stacks.map((s) => s.marker)).toEqual([markerOf("dev"), markerOf("stg")]);
  });

  test("line diffs keep context and mark changes", () => {
    expect(lineDiff(["a", "b", "c"], ["a", "B", "c"])).toEqual(["  a", "+ B", "- b", "  c"]);
  });
});

describe("npm run review arguments", () => {
  test("every problem is listed at once", () => {
    expect(parseArgs(["--env", "Dev", "--plan", "dev", "--bogus"]).problems).toEqual([
      "--env Dev: not an environment name (2-10 lowercase letters or digits)",
      "--plan dev: expected <env>=<plan.json> (the output of terraform show -json)",
      "unknown argument --bogus",
      "give --base <git-ref> (offline review) or --plan <env>=<plan.json> (real plans)",
    ]);
    expect(parseArgs(["--base", "main", "--env", "dev", "--env", "stg", "--out", "r.md"])).toEqual({
      args: { base: "main", envs: ["dev", "stg"], plans: [], out: "r.md", cache: true },
      problems: [],
    });
  });
});
