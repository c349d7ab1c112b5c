/**
 * `npm run review` on real pull-request-shaped changes, under real Terraform (offline): each head configuration is
 * planned against the crafted applied state of one base, and the rendered Markdown is asserted. The environment and
 * the function are built here (not the repository's examples), so adding environments or functions changes nothing.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { validateEnvironments } from "../config/load";
import { readManifestSources, validateFunctions } from "../config/functions/cf2/load";
import { renderStack, type RenderedStack } from "../scripts/lib/review/markdown";
import { offlineReview, offlineReviews, type Stacks } from "../scripts/lib/review/offline";
import { synthesize } from "./support/synth";
import { describeWithTerraform } from "./support/terraform";

const ENV = "rv";
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Input = Record<string, any>;

const BASE: Input = {
  name: ENV,
  accountId: "111122223333",
  region: "ap-northeast-1",
  repository: "example-org/edge-delivery",
  logRetentionDays: 14,
  backend: { type: "local" },
  tags: { "cost-center": "platform" },
  products: [
    {
      sid: "shop",
      description: "Shop",
      access: {
        maintenance: { permissionSets: ["ShopDeveloper"] },
        cicd: { repository: "example-org/shop-edge-functions", repositoryId: "712345601", ownerId: "81234567", environment: ENV },
      },
    },
  ],
  githubOidc: {},
  sites: [{ name: "web", sid: "shop", bucketName: "rv-shop-web-111122223333", distribution: { comment: "review web" } }],
};

/** The environment and one application-owned function (with `comment`), synthesized. */
function stacksOf(input: Input, functionComment = "response headers"): Stacks {
  const env = validateEnvironments([{ file: `environments/${ENV}.json`, input }])[0];
  const dir = mkdtempSync(path.join(os.tmpdir(), "review-fns-"));
  mkdirSync(path.join(dir, "headers"));
  const manifest = {
    ticket: "SHOP-1",
    name: "headers",
    sid: "shop",
    environments: [ENV],
    runtime: "cloudfront-js-2.0",
    owner: "app",
    comment: functionComment,
    associations: [{ site: "web", behavior: "default", eventType: "viewer-response" }],
  };
  writeFileSync(path.join(dir, "headers", "manifest.json"), JSON.stringify(manifest));
  writeFileSync(path.join(dir, "headers", "index.js"), "function handler(event) {\n  return event.response;\n}\n");
  return synthesize([env], validateFunctions(readManifestSources(dir), [env]));
}

const edit = (mutate: (env: Input) => void): Input => {
  const copy = JSON.parse(JSON.stringify(BASE));
  mutate(copy);
  return copy;
};

const base = stacksOf(BASE);

/** The logical id cdktf gave the one resource of a type, in the base. */
const logicalId = (type: string) => Object.keys(base[ENV].resource[type])[0];

const OLD_LOG_GROUP = logicalId("aws_cloudwatch_log_group");
const RENAMED_LOG_GROUP = "cf2-headers_logs_RENAMED";
/** The base with the log group's construct id changed, everything else as it was. */
function renamedLogGroup(): Stacks {
  const text = JSON.stringify(base[ENV]).split(`aws_cloudwatch_log_group.${OLD_LOG_GROUP}`).join(`aws_cloudwatch_log_group.${RENAMED_LOG_GROUP}`);
  const head = JSON.parse(text);
  head.resource.aws_cloudwatch_log_group = { [RENAMED_LOG_GROUP]: head.resource.aws_cloudwatch_log_group[OLD_LOG_GROUP] };
  return { [ENV]: head };
}

/** Every pull-request shape under test, as head stacks. */
const heads = {
  bucketRenamed: stacksOf(edit((e) => (e.sites[0].bucketName = "rv-shop-web-renamed-111122223333"))),
  cicdRemoved: stacksOf(edit((e) => delete e.products[0].access.cicd)),
  tagChanged: stacksOf(edit((e) => (e.tags["cost-center"] = "platform-edge"))),
  idRefactored: renamedLogGroup(),
  appCommentChanged: stacksOf(BASE, "response headers, now with HSTS"),
};
/**
 * One harness work directory for every scenario: the base's applied state is crafted once, and the heads are planned
 * against it together (offlineReviews: one Terraform plan); each test renders and asserts its own head's review.
 */
let reviews: Record<keyof typeof heads, RenderedStack> | undefined;
function review(shape: keyof typeof heads): RenderedStack {
  reviews ??= Object.fromEntries(
    Object.entries(offlineReviews({ base, heads, envs: [ENV], baseRef: "main", workdirPrefix: "test-review" })).map(([k, [plan]]) => [k, renderStack(plan)]),
  ) as Record<keyof typeof heads, RenderedStack>;
  return reviews[shape];
}

describeWithTerraform("npm run review on pull-request-shaped changes (offline plans)", () => {
  test("renaming a bucket: a replacement, with the attribute that forces it, flagged", () => {
    const r = review("bucketRenamed");
    const bucket = `aws_s3_bucket.${logicalId("aws_s3_bucket")}`;
    expect(r.markdown).toContain(`<!-- edge-review:${ENV} -->`);
    expect(r.markdown).toMatch(new RegExp(`^### ${ENV}: .*\\d+ replace ⚠$`, "m"));
    expect(r.markdown).toContain("offline plan against the base branch `main`");
    // Replacements come first, each with its forcing attribute and values.
    const replace = r.markdown.indexOf("**Replace");
    expect(replace).toBeGreaterThan(0);
    for (const other of ["**Delete", "**Create", "**Update"]) if (r.markdown.includes(other)) expect(r.markdown.indexOf(other)).toBeGreaterThan(replace);
    expect(r.markdown).toContain(
      `- \`${bucket}\` · ${ENV}/site-web/bucket: forced by \`bucket\` (delete, then create: nothing serves in between); \`bucket\`: \`"rv-shop-web-111122223333"\` → \`"rv-shop-web-renamed-111122223333"\``,
    );
    expect(r.markdown).toContain(
      `- \`${bucket}\` is replaced (forced by \`bucket\`): its objects (a site's content, the pipeline's artifacts) go with it and a new bucket starts empty.`,
    );
  });

  test("removing a product's CI/CD access: its role and attachment are deleted, and the role's delete is flagged", () => {
    const r = review("cicdRemoved");
    expect(r.counts).toMatchObject({ create: 0, update: 0, replace: 0 });
    expect(r.counts.delete).toBe(2);
    expect(r.markdown).toMatch(new RegExp(`^### ${ENV}: 2 delete ⚠$`, "m"));
    expect(r.markdown).toContain("**Delete** (2)");
    expect(r.markdown).toMatch(/- `aws_iam_role\.app-team-shop_cicd_[0-9A-F]+` · rv\/app-team-shop\/cicd \(`rv-shop-cf2-cicd`\)/);
    expect(r.markdown).toMatch(/- `aws_iam_role\.app-team-shop_cicd_[0-9A-F]+` \(rv-shop-cf2-cicd\) is deleted: whoever assumes it \(a team's GitHub workflow/);
    expect(r.markdown).not.toContain("maintenance` (");
  });

  test("changing a default tag: one tag-only summary instead of a list of updates", () => {
    const r = review("tagChanged");
    expect(r.counts).toMatchObject({ create: 0, delete: 0, replace: 0 });
    expect(r.counts.update).toBeGreaterThan(3);
    expect(r.markdown).not.toContain("⚠\n"); // no delete or replace in the header
    expect(r.markdown).toContain(
      `- ${r.counts.update} resources change only their tags (\`cost-center\`: "platform" → "platform-edge"): the environment's default tags changed`,
    );
    expect(r.markdown).toContain(`- ${r.counts.update} resources: tags only (\`cost-center\`: "platform" → "platform-edge")`);
    // Listed once in the collapsed details, not as separate update lines.
    expect(r.markdown).not.toMatch(/^- `aws_s3_bucket\.[^`]+`.*tags_all/m);
  });

  test("refactoring a construct id: the delete + create of the same shape is a rename, with a moved suggestion", () => {
    const [old, renamed] = [OLD_LOG_GROUP, RENAMED_LOG_GROUP];
    const r = review("idRefactored");
    expect(r.counts).toMatchObject({ create: 1, delete: 1, replace: 0 });
    expect(r.markdown).toContain(
      `- \`aws_cloudwatch_log_group.${old}\` → \`aws_cloudwatch_log_group.${renamed}\` looks like a renamed construct id, not a new resource; as written, Terraform deletes and recreates it and every log event in it is deleted: keep the resource with \`moved { from = aws_cloudwatch_log_group.${old}  to = aws_cloudwatch_log_group.${renamed} }\``,
    );
    // Not reported a second time as a plain data loss.
    expect(r.flags.map((f) => f.kind)).toEqual(["rename"]);
  });

  test("changing an app-owned function's comment in the repository: no update planned, none reported", () => {
    const fn = Object.values<Input>(heads.appCommentChanged[ENV].resource.aws_cloudfront_function)[0];
    expect(fn.comment).toBe("SHOP-1 response headers, now with HSTS"); // the configuration did change
    const r = review("appCommentChanged");
    expect(Object.values(r.counts).every((n) => n === 0)).toBe(true);
    expect(r.markdown).toBe(
      `<!-- edge-review:${ENV} -->\n**${ENV}**: no changes · _offline plan against the base branch \`main\` (no AWS account read: the base's applied state is crafted, values only AWS knows are shown as (computed by AWS))_`,
    );
  });
});

/**
 * Several stacks are planned in one Terraform plan (planAgainstBases); a stack Terraform refuses fails that plan, so
 * the review plans each stack on its own again and only the broken one says why. Two new environments of one queue
 * each keep the plans small.
 */
describeWithTerraform("npm run review of several stacks when Terraform refuses one of them", () => {
  const provider = (env: string) => ({ aws: [{ region: "ap-northeast-1", default_tags: [{ tags: { environment: env } }] }] });
  const stack = (env: string, resource: Input) => ({
    terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } },
    provider: provider(env),
    resource,
  });
  const good = stack("fa", { aws_sqs_queue: { queue: { name: "review-fallback-good" } } });
  // The provider's own check refuses this while planning ("FIFO throughput scope can only be set for FIFO topics").
  const broken = stack("fb", { aws_sns_topic: { topic: { name: "review-fallback-broken", fifo_throughput_scope: "Topic" } } });

  test("the good stack is reviewed and the refused one gets a section with Terraform's reason", () => {
    const plans = offlineReview({ base: {}, head: { fa: good, fb: broken }, baseRef: "main", workdirPrefix: "test-review-fallback" });
    const [fa, fb] = plans.map((p) => renderStack(p));
    expect(fa.failed).toBeFalsy();
    expect(fa.markdown).toMatch(/^### fa: 1 create/m);
    expect(fa.markdown).toContain("aws_sqs_queue.queue");
    expect(fb.failed).toBe(true);
    expect(fb.markdown).toContain("### fb: not reviewed ⚠");
    expect(fb.markdown).toContain("FIFO throughput scope can only be set for FIFO topics");
    expect(fb.markdown).toContain("(aws_sns_topic.topic)");
  });
});
