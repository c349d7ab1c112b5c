import { renderReview } from "./markdown";
import { offlineReview, planAgainstBase, resolveRef, ReviewError } from "./offline";

test("an unknown base ref is a ReviewError that says what to try", () => {
  expect(() => resolveRef("no-such-ref-for-review")).toThrow(ReviewError);
  expect(() => resolveRef("no-such-ref-for-review")).toThrow(
    /--base no-such-ref-for-review: not a commit in .*\(try origin\/main, main or a commit id; in CI fetch the base first\)/,
  );
});

test("an unknown --env names the stacks there are, before anything is planned", () => {
  expect(() => offlineReview({ base: { dev: {} }, head: { dev: {}, qa: {} }, envs: ["dev", "prod"] })).toThrow(
    "--env prod: no such stack in the base or the head; stacks: dev, qa",
  );
});

test("a stack whose synthesized JSON did not change is not planned: its plan has no changes", () => {
  const stack = { resource: { aws_s3_bucket: { b: { bucket: "x", tags: { a: "1", b: "2" } } } } };
  const same = { resource: { aws_s3_bucket: { b: { tags: { b: "2", a: "1" }, bucket: "x" } } } };
  expect(planAgainstBase("unused", stack, same)).toEqual({ format_version: "1.2", resource_changes: [] });
});

test("one stack failing does not take the others' sections with it: it gets a section saying why", () => {
  const planner = (workdir: string) => {
    if (workdir.endsWith("-prod"))
      throw new Error(
        "terraform plan in .validate/review-prod failed (exit 1):\nFIFO throughput scope can only be set for FIFO topics:  (aws_sns_topic.alarms_topic_CB6504A9)",
      );
    return {
      format_version: "1.2",
      resource_changes: [
        {
          address: "aws_sqs_queue.q",
          mode: "managed",
          type: "aws_sqs_queue",
          name: "q",
          change: { actions: ["update"], before: { delay_seconds: 1 }, after: { delay_seconds: 2 } },
        },
      ],
    };
  };
  const plans = offlineReview({ base: { dev: {}, prod: {} }, head: { dev: {}, prod: {} }, baseRef: "main", planner });
  const review = renderReview(plans);
  expect(review.markdown.split("\n")[0]).toBe("## Infrastructure review: 2 stacks · 1 not reviewed ⚠");
  const [dev, prod] = review.stacks;
  expect(dev.markdown).toContain("- `aws_sqs_queue.q`: `delay_seconds`: `1` → `2`");
  expect(prod.failed).toBe(true);
  expect(prod.markdown).toContain("### prod: not reviewed ⚠");
  expect(prod.markdown).toContain("FIFO throughput scope can only be set for FIFO topics");
});
