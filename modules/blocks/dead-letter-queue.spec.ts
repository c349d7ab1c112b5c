import { Testing, TerraformStack } from "cdktn";
import { DEAD_LETTER_RETENTION_SECONDS, DeadLetterQueue } from "./dead-letter-queue";

function synth(build: (stack: TerraformStack) => void) {
  const stack = new TerraformStack(Testing.app(), "test");
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

test("an encrypted queue keeping messages 14 days; no policy unless rules send to it", () => {
  const json = synth((stack) => new DeadLetterQueue(stack, "dlq", { name: "dev-x-dlq", accountId: "123456789012", region: "ap-northeast-1" }));
  expect(Object.values(json.resource.aws_sqs_queue)).toEqual([
    expect.objectContaining({ name: "dev-x-dlq", sqs_managed_sse_enabled: true, message_retention_seconds: DEAD_LETTER_RETENTION_SECONDS }),
  ]);
  expect(json.resource.aws_sqs_queue_policy).toBeUndefined();
});

test("fromRules: the policy refuses plain HTTP and admits EventBridge for exactly those rules", () => {
  const rule = "arn:aws:events:ap-northeast-1:123456789012:rule/dev-x";
  const json = synth(
    (stack) =>
      new DeadLetterQueue(stack, "dlq", {
        name: "dev-x-dlq",
        accountId: "123456789012",
        region: "ap-northeast-1",
        fromRules: { sid: "FromX", ruleArns: [rule] },
      }),
  );
  const policy = JSON.parse(Object.values<any>(json.resource.aws_sqs_queue_policy)[0].policy);
  expect(policy.Statement).toEqual([
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "sqs:*",
      Resource: "arn:aws:sqs:ap-northeast-1:123456789012:dev-x-dlq",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "FromX",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: "arn:aws:sqs:ap-northeast-1:123456789012:dev-x-dlq",
      Condition: { ArnEquals: { "aws:SourceArn": [rule] } },
    },
  ]);
});

test("fromRules without a policy id is refused in scope", () => {
  expect(() =>
    synth((stack) =>
      DeadLetterQueue.resources(
        stack,
        { queue: "q" },
        { name: "q", accountId: "123456789012", region: "ap-northeast-1", fromRules: { sid: "S", ruleArns: "arn" } },
      ),
    ),
  ).toThrow("fromRules needs ids.policy");
});
