import { offlineReview, planAgainstBase, resolveRef, ReviewError } from "./offline";

test("an unknown base ref is a ReviewError that says what to try", () => {
  expect(() => resolveRef("no-such-ref-for-review")).toThrow(ReviewError);
  expect(() => resolveRef("no-such-ref-for-review")).toThrow(/--base no-such-ref-for-review: not a commit in .*\(try origin\/main, main or a commit id; in CI fetch the base first\)/);
});

test("an unknown --env names the stacks there are, before anything is planned", () => {
  expect(() => offlineReview({ base: { dev: {} }, head: { dev: {}, qa: {} }, envs: ["dev", "prod"] })).toThrow("--env prod: no such stack in the base or the head; stacks: dev, qa");
});

test("a stack whose synthesized JSON did not change is not planned: its plan has no changes", () => {
  const stack = { resource: { aws_s3_bucket: { b: { bucket: "x", tags: { a: "1", b: "2" } } } } };
  const same = { resource: { aws_s3_bucket: { b: { tags: { b: "2", a: "1" }, bucket: "x" } } } };
  expect(planAgainstBase("unused", stack, same)).toEqual({ format_version: "1.2", resource_changes: [] });
});
