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
        rc(
          "aws_cloudfront_distribution.d",
          ["create", "delete"],
          { origin: [{ domain_name: "x" }] },
          { origin: [{ domain_name: "y" }] },
          { replace_paths: [["origin", 0, "domain_name"]] },
        ),
      ),
    );
    expect(changes.map((c) => [c.address, c.action, c.forcedBy])).toEqual([
      ["aws_s3_bucket.b", "replace", ["bucket"]],
      ["aws_cloudfront_distribution.d", "replace", ["origin[0].domain_name"]],
    ]);
  });

  test("provider defaults (null vs empty) are not changes; real changes are", () => {
    const [c] = readPlan(
      plan(rc("aws_cloudfront_distribution.d", ["update"], { a: null, b: [{ x: null, y: 1 }], c: "on" }, { a: "", b: [{ x: "", y: 1 }], c: "off" })),
    );
    expect(c.attributes.map((a) => a.name)).toEqual(["c"]);
    expect(withoutEmpty({ a: [{ b: null, c: "" }], d: 0, e: false, f: "x" })).toEqual({ f: "x" });
  });

  test("sensitive values are masked wherever the plan marks them, nested ones included", () => {
    expect(maskSensitive({ a: "open", b: [{ secret: "s3cr3t", x: 1 }] }, { b: [{ secret: true }] })).toEqual({
      a: "open",
      b: [{ secret: "(sensitive)", x: 1 }],
    });
    expect(anyMarked({ b: [{}, { c: true }] })).toBe(true);
    const md = renderStack({
      env: "dev",
      source: PlanSource.AWS,
      plan: plan(
        rc(
          "aws_ssm_parameter.p",
          ["update"],
          { value: "old-secret", tags: {} },
          { value: "new-secret", tags: {} },
          { before_sensitive: { value: true }, after_sensitive: { value: true } },
        ),
        rc(
          "aws_lambda_function.f",
          ["update"],
          { environment: [{ variables: { TOKEN: "t0ken", MODE: "a" } }] },
          { environment: [{ variables: { TOKEN: "t0ken2", MODE: "b" } }] },
          { before_sensitive: { environment: [{ variables: { TOKEN: true } }] }, after_sensitive: { environment: [{ variables: { TOKEN: true } }] } },
        ),
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
    const byComment = rc(
      "aws_cloudfront_function.g",
      ["update"],
      { code: "a", comment: "X-1 g (code owned by the application team)" },
      { code: "b", comment: "X-1 g (code owned by the application team)" },
    );
    expect(renderStack({ env: "dev", source: PlanSource.AWS, plan: plan(byComment) }).flags.map((f) => f.kind)).toEqual(["owned-update"]);
    const infra = rc(
      "aws_cloudfront_function.h",
      ["update"],
      { code: "a", comment: "X-1 h (code from the repository)" },
      { code: "b", comment: "X-1 h (code from the repository)" },
    );
    expect(renderStack({ env: "dev", source: PlanSource.AWS, plan: plan(infra) }).flags).toEqual([]);
  });

  test("an attribute the base left to the release flow, now set by the head, is flagged", () => {
    const d = rc("aws_cloudfront_distribution.d", ["update"], { origin: [{ origin_id: "green" }] }, { origin: [{ origin_id: "blue" }] });
    const baseStack = { resource: { aws_cloudfront_distribution: { d: { lifecycle: { ignore_changes: ["origin"] } } } } };
    const r = renderStack({
      env: "prod",
      source: PlanSource.OFFLINE,
      plan: plan(d),
      baseStack,
      headStack: { resource: { aws_cloudfront_distribution: { d: {} } } },
    });
    expect(r.markdown).toContain(
      "changes `origin`, which the release flow or an application team owns (ignored until now): applying reverts their last change.",
    );
  });

  test("a huge plan fits the comment limit: details go first, then resources, and it says so", () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      rc(`aws_sqs_queue.q${i}`, ["create"], null, { name: `queue-${i}`, policy: JSON.stringify({ Statement: [{ Sid: `s${i}`, Resource: "x".repeat(50) }] }) }),
    );
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
    expect(lineDiff(["a", "b", "c"], ["a", "B", "c"])).toEqual(["  a", "- b", "+ B", "  c"]);
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

describe("every action for what it is", () => {
  test("moved, forget, import, create-before-destroy, delete-then-create, a replacement without replace_paths; no-op and read outside the counts", () => {
    const r = renderStack({
      env: "dev",
      source: PlanSource.AWS,
      plan: plan(
        { ...rc("aws_sqs_queue.new", ["no-op"], { name: "q" }, { name: "q" }), previous_address: "aws_sqs_queue.old" },
        rc("aws_s3_bucket.kept", ["forget"], { bucket: "kept-in-aws" }, null),
        rc("aws_iam_role.adopted", ["no-op"], { name: "r" }, { name: "r" }, { importing: { id: "r" } }),
        rc("aws_iam_role.adopted2", ["update"], { name: "r2", description: "a" }, { name: "r2", description: "b" }, { importing: { id: "r2" } }),
        rc("aws_lambda_function.cbd", ["create", "delete"], { function_name: "f" }, { function_name: "g" }, { replace_paths: [["function_name"]] }),
        rc("aws_sqs_queue.dtc", ["delete", "create"], { name: "a" }, { name: "b" }, { replace_paths: [["name"]] }),
        { ...rc("aws_sqs_queue.tainted", ["delete", "create"], { name: "t" }, { name: "t" }), action_reason: "replace_because_tainted" },
        rc("aws_sqs_queue.same", ["no-op"], { name: "s" }, { name: "s" }),
        { ...rc("data.aws_caller_identity.c", ["read"], null, {}), mode: "data" },
      ),
    });
    expect(r.counts).toMatchObject({ move: 1, forget: 1, import: 2, replace: 3, create: 0, update: 0, delete: 0 });
    expect(r.markdown).toContain("### dev: 2 import · 1 move · 1 forget · 3 replace ⚠");
    expect(r.markdown).toContain("- `aws_sqs_queue.old` → `aws_sqs_queue.new`: moved in the state only, nothing changes in AWS");
    expect(r.markdown).toContain("- `aws_s3_bucket.kept`: removed from the state only; it stays in AWS and nobody manages it any more");
    expect(r.flags.find((f) => f.kind === "forgotten")?.message).toContain("`aws_s3_bucket.kept` leaves the state but stays in AWS");
    expect(r.markdown).toContain("- `aws_iam_role.adopted`: imported from AWS (id `r`), no changes");
    expect(r.markdown).toContain('- `aws_iam_role.adopted2`: imported from AWS (id `r2`), then updated\n  - `description`: `"a"` → `"b"`');
    expect(r.markdown).toContain(
      "- `aws_lambda_function.cbd`: forced by `function_name` (create before destroy: the new one exists before the old one is deleted)",
    );
    expect(r.markdown).toContain("- `aws_sqs_queue.dtc`: forced by `name` (delete, then create: nothing serves in between)");
    expect(r.markdown).toContain("- `aws_sqs_queue.tainted`: the plan names no attribute that forces it; Terraform's reason: the resource is tainted");
    expect(r.markdown).toContain("_Not counted: 1 unchanged · 1 data source read during apply._");
  });
});

describe("the change is visible", () => {
  const behavior = (path_pattern: string, fn?: string) => ({
    path_pattern,
    target_origin_id: "s3",
    cache_policy_id: "658327ea",
    function_association: fn ? [{ event_type: "viewer-request", function_arn: fn }] : [],
  });
  test("nested blocks element by element: an added cache behavior with its function, unknown leaves unknown, known leaves shown", () => {
    const before = {
      origin: [{ origin_id: "s3", domain_name: "b.s3.ap-northeast-1.amazonaws.com" }],
      ordered_cache_behavior: [behavior("/api/*")],
      default_cache_behavior: [behavior("*")],
    };
    const after = { ...before, ordered_cache_behavior: [behavior("/api/*"), behavior("/campaign/*", null as unknown as string)] };
    after.ordered_cache_behavior[1].function_association = [{ event_type: "viewer-request", function_arn: null as unknown as string }];
    const unknown = { ordered_cache_behavior: [{}, { function_association: [{ function_arn: true }] }] };
    const r = renderStack({
      env: "dev",
      source: PlanSource.AWS,
      plan: plan(rc("aws_cloudfront_distribution.d", ["update"], before, after, { after_unknown: unknown })),
    });
    expect(r.markdown).toContain('- `aws_cloudfront_distribution.d`\n  - `ordered_cache_behavior["/campaign/*"]`: added\n');
    expect(r.markdown).toContain('    - `path_pattern`: `"/campaign/*"`');
    expect(r.markdown).toContain('    - `function_association["viewer-request"].function_arn`: _(known after apply)_');
    expect(r.markdown).toContain('    - `function_association["viewer-request"].event_type`: `"viewer-request"`');
    expect(r.markdown).not.toContain('/api/*"]`'); // the unchanged behavior is not listed
    expect(r.markdown).not.toMatch(/\bnull\b/);
    expect(r.markdown).toContain("```mermaid");
    expect(r.markdown).toContain("2. /campaign/*<br/>viewer-request: (known after apply)");
  });

  test("a removed element and a changed leaf inside a kept one", () => {
    const before = { ordered_cache_behavior: [behavior("/a/*"), behavior("/b/*")] };
    const after = { ordered_cache_behavior: [{ ...behavior("/a/*"), target_origin_id: "lambda" }] };
    const [c] = readPlan(plan(rc("aws_cloudfront_distribution.d", ["update"], before, after)));
    expect(c.attributes.map((a) => [a.path, a.before.kind, a.after.kind])).toEqual([
      ['ordered_cache_behavior["/a/*"].target_origin_id', "known", "known"],
      ['ordered_cache_behavior["/b/*"]', "known", "absent"],
    ]);
  });

  test("a block known only after apply is known after apply, never null", () => {
    const md = renderStack({
      env: "dev",
      source: PlanSource.AWS,
      plan: plan(
        rc(
          "aws_lambda_function.f",
          ["update"],
          { logging_config: [{ log_group: "/aws/lambda/f" }] },
          { logging_config: null },
          { after_unknown: { logging_config: true } },
        ),
      ),
    }).markdown;
    expect(md).toContain('`logging_config`: `[{"log_group":"/aws/lambda/f"}]` → _(known after apply)_');
    expect(md).not.toMatch(/\bnull\b/);
    const created = renderStack({
      env: "dev",
      source: PlanSource.AWS,
      plan: plan(
        rc(
          "aws_lambda_function.g",
          ["create"],
          null,
          { function_name: "g", logging_config: [{ log_group: null, log_format: "JSON" }] },
          { after_unknown: { logging_config: [{ log_group: true }] } },
        ),
      ),
    }).markdown;
    expect(created).toMatch(/\| `logging_config` \| `\[\{.*"log_group":"\(known after apply\)".*\}\]` \|/);
    expect(created).toContain('"log_format":"JSON"');
    expect(created).not.toMatch(/\bnull\b/);
  });
});

describe("documents as documents", () => {
  const policy = (bucket: string) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "Read", Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` },
      ],
    });
  const reordered = (bucket: string) =>
    JSON.stringify({
      Statement: [
        { Resource: `arn:aws:s3:::${bucket}/*`, Action: "s3:GetObject", Principal: { Service: "cloudfront.amazonaws.com" }, Effect: "Allow", Sid: "Read" },
      ],
      Version: "2012-10-17",
    });
  test("a renamed bucket inside a policy is a two-line diff, keys sorted; a reordered document is no change", () => {
    const r = renderStack({
      env: "dev",
      source: PlanSource.AWS,
      plan: plan(rc("aws_s3_bucket_policy.p", ["update"], { policy: policy("old-bucket") }, { policy: reordered("new-bucket") })),
    });
    expect(r.markdown).toContain("- `aws_s3_bucket_policy.p`\n  - `policy` (document): 2 lines changed");
    const diff = r.markdown.split("\n").filter((l) => /^ {4}[-+] /.test(l));
    expect(r.markdown).toMatch(/^ {4}- {7}"Resource": "arn:aws:s3:::old-bucket\/\*",\n {4}\+ {7}"Resource": "arn:aws:s3:::new-bucket\/\*",$/m);
    expect(diff.length).toBeLessThanOrEqual(2);
    expect(r.markdown).not.toContain('"Version"'); // unchanged parts beyond one line of context are left out
    expect(readPlan(plan(rc("aws_s3_bucket_policy.p", ["update"], { policy: policy("b") }, { policy: reordered("b") })))[0].attributes).toEqual([]);
  });

  test("values the offline review cannot know are (computed by AWS), never the crafted placeholders", () => {
    const crafted = "arn:aws:cloudfront::000000000000:aws_cloudfront_distribution.site-web_distribution_1A2B.arn";
    const before = {
      policy: JSON.stringify({ Statement: [{ Condition: { StringEquals: { "AWS:SourceArn": crafted } }, Resource: "arn:aws:s3:::a/*" }] }),
      versioning_configuration: [{ status: "Enabled", mfa_delete: "aws_s3_bucket_versioning.x_1.mfa_delete" }],
    };
    const after = {
      policy: JSON.stringify({ Statement: [{ Condition: { StringEquals: { "AWS:SourceArn": crafted } }, Resource: "arn:aws:s3:::b/*" }] }),
      versioning_configuration: [{ status: "Suspended", mfa_delete: "Disabled" }],
    };
    const r = renderStack({ env: "dev", source: PlanSource.OFFLINE, baseRef: "main", plan: plan(rc("aws_s3_bucket_policy.x", ["update"], before, after)) });
    expect(r.markdown).toContain("(computed by AWS)");
    expect(r.markdown).toContain('`versioning_configuration[0].mfa_delete`: _(computed by AWS)_ → `"Disabled"`');
    expect(r.markdown).not.toContain("000000000000");
    expect(r.markdown).not.toContain("aws_s3_bucket_versioning.x_1.mfa_delete");
  });
});
