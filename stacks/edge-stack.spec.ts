import { validateEnvironments } from "../config/load";
import dev from "../environments/dev";
import prod from "../environments/prod";
import { synthesize, synthesizeExamples } from "../test/support/synth";

const envOf = (input: object, file: string) => validateEnvironments([{ file, input }])[0];

test("S3 backend with S3-native locking; prod adds KMS and the legacy lock table", () => {
  const stacks = synthesize([envOf(dev, "environments/dev.ts"), envOf(prod, "environments/prod.ts")]);
  expect(stacks.dev.terraform.backend.s3).toEqual({
    bucket: "example-org-tfstate-dev",
    key: "edge-delivery/dev.tfstate",
    region: "ap-northeast-1",
    encrypt: true,
    use_lockfile: true,
  });
  expect(stacks.prod.terraform.backend.s3).toMatchObject({
    kms_key_id: "arn:aws:kms:ap-northeast-1:345678901234:alias/tfstate",
    dynamodb_table: "example-org-tfstate-lock",
    use_lockfile: true,
  });
});

test("local backend when configured", () => {
  const stacks = synthesize([envOf({ ...dev, backend: { type: "local" } }, "environments/dev.ts")]);
  expect(stacks.dev.terraform.backend).toEqual({ local: { path: "terraform.dev.tfstate" } });
});

test("a main-region provider and a us-east-1 alias, both pinned to the account and tagging everything", () => {
  const { dev: stack } = synthesize([envOf(dev, "environments/dev.ts")]);
  const tags = { "cost-center": "platform-dev", environment: "dev", "managed-by": "cdktf", repository: "example-org/edge-delivery" };
  expect(stack.provider.aws).toEqual([
    { region: "ap-northeast-1", allowed_account_ids: ["123456789012"], default_tags: [{ tags }] },
    { region: "us-east-1", alias: "us_east_1", allowed_account_ids: ["123456789012"], default_tags: [{ tags }] },
  ]);
  expect(stack.terraform.required_providers.aws).toEqual({ source: "aws", version: "5.100.0" });
});

test("one site per configured site, each with its distribution", () => {
  const { dev: stack } = synthesize([envOf(dev, "environments/dev.ts")]);
  const buckets = Object.values<any>(stack.resource.aws_s3_bucket)
    .map((b) => b.bucket)
    .sort();
  expect(buckets).toEqual(["dev-media-lp-123456789012", "dev-shop-web-123456789012"]);
  expect(Object.keys(stack.resource.aws_cloudfront_distribution)).toHaveLength(2);
});

test("the change recorder counts every role only an AWS service assumes as automation", () => {
  const stacks = Object.values(synthesizeExamples());
  const withRecorder = stacks.filter((s) => Object.values<any>(s.resource.aws_lambda_function ?? {}).some((f) => f.environment?.variables?.RECORDER_CONFIG));
  expect(withRecorder.length).toBeGreaterThan(0);
  for (const stack of withRecorder) {
    const fn = Object.values<any>(stack.resource.aws_lambda_function).find((f) => f.environment?.variables?.RECORDER_CONFIG);
    const config = JSON.parse(fn.environment.variables.RECORDER_CONFIG.replace(/\$\$\{/g, "${"));
    const serviceRoles = Object.values<any>(stack.resource.aws_iam_role).filter((r) => {
      const principals = JSON.parse(r.assume_role_policy.replace(/\$\$\{/g, "${"))
        .Statement.map((s: any) => Object.keys(s.Principal ?? {}))
        .flat();
      return principals.length > 0 && principals.every((p: string) => p === "Service");
    });
    // The recorder's own roles are created after it and record nothing of their own.
    const others = serviceRoles.filter((r) => !/change-recorder/.test(r.name));
    expect(others.length).toBeGreaterThan(0);
    for (const role of others) expect(config.automationPrincipals).toContain(`arn:aws:iam::${stack.provider.aws[0].allowed_account_ids[0]}:role/${role.name}`);
  }
});

test("security headers on every behavior of every site by default; a site may name its own policy or opt out", () => {
  const sites = (dev as any).sites as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  const own = "11111111-2222-4333-8444-555555555555";
  const policies = (securityHeaders: unknown) => {
    const input = { ...dev, sites: sites.map((s, i) => (i === 0 && securityHeaders !== undefined ? { ...s, securityHeaders } : s)) };
    const { dev: stack } = synthesize([envOf(input, "environments/dev.ts")]);
    const [, d] = Object.entries<any>(stack.resource.aws_cloudfront_distribution).find(([address]) =>
      address.startsWith(`site-${sites[0].name}_distribution`),
    )!; // eslint-disable-line @typescript-eslint/no-explicit-any
    return new Set([d.default_cache_behavior, ...(d.ordered_cache_behavior ?? [])].map((b: any) => b.response_headers_policy_id)); // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  expect(policies(undefined)).toEqual(new Set(["67f7725c-6f97-4210-82d7-5512b31e9d03"]));
  expect(policies({ responseHeadersPolicyId: own })).toEqual(new Set([own]));
  expect(policies(false)).toEqual(new Set([undefined]));
});

test("logEncryption: every log group uses the key of its own region; a region without a key is named", () => {
  const key = (region: string, id: string) => `arn:aws:kms:${region}:${(dev as any).accountId}:key/${id}`; // eslint-disable-line @typescript-eslint/no-explicit-any
  const keyArns = [key((dev as any).region, "11111111-1111-4111-8111-111111111111"), key("us-east-1", "22222222-2222-4222-8222-222222222222")]; // eslint-disable-line @typescript-eslint/no-explicit-any
  const { dev: stack } = synthesize([envOf({ ...dev, logEncryption: { keyArns } }, "environments/dev.ts")]);
  const groups = Object.values<any>(stack.resource.aws_cloudwatch_log_group); // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(groups.length).toBeGreaterThan(0);
  for (const g of groups) expect([g.name, g.kms_key_id]).toEqual([g.name, g.provider === "aws.us_east_1" ? keyArns[1] : keyArns[0]]);
  expect(() => envOf({ ...dev, logEncryption: { keyArns: [keyArns[0]] } }, "environments/dev.ts")).toThrow(
    /names no key in us-east-1, where this environment creates log groups/,
  );
});

test("messageEncryption: every queue and topic uses the key of its own region; the roles that use the queues may use the key", () => {
  const key = (region: string, id: string) => `arn:aws:kms:${region}:${(dev as any).accountId}:key/${id}`; // eslint-disable-line @typescript-eslint/no-explicit-any
  const main = (dev as any).region; // eslint-disable-line @typescript-eslint/no-explicit-any
  const keyArns = [key(main, "33333333-3333-4333-8333-333333333333"), key("us-east-1", "44444444-4444-4444-8444-444444444444")];
  const recorder = {
    repository: "example-org/edge-delivery",
    tokenParameter: "/edge/change-recorder/github-token",
    watchRegions: main === "us-east-1" ? [] : [main],
  };
  const { dev: stack } = synthesize([envOf({ ...dev, alarms: {}, changeRecorder: recorder, messageEncryption: { keyArns } }, "environments/dev.ts")]);
  const keyOf = (r: any) => (r.provider === "aws.us_east_1" ? keyArns[1] : keyArns[0]); // eslint-disable-line @typescript-eslint/no-explicit-any
  const queues = Object.values<any>(stack.resource.aws_sqs_queue); // eslint-disable-line @typescript-eslint/no-explicit-any
  const topics = Object.values<any>(stack.resource.aws_sns_topic); // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(queues.length).toBeGreaterThan(0);
  expect(topics.length).toBeGreaterThan(0);
  for (const q of queues) expect([q.name, q.kms_master_key_id, q.sqs_managed_sse_enabled]).toEqual([q.name, keyOf(q), undefined]);
  for (const t of topics) expect([t.name, t.kms_master_key_id]).toEqual([t.name, keyOf(t)]);
  // Every role policy that sends to or reads from a queue may use that queue's key, through SQS only.
  const policies = Object.values<any>(stack.resource.aws_iam_role_policy).map((p) => JSON.parse(p.policy.replace(/\$\$\{/g, "${"))); // eslint-disable-line @typescript-eslint/no-explicit-any
  const users = policies.filter((p) =>
    p.Statement.some((s: any) => [s.Action].flat().some((a: string) => a === "sqs:SendMessage" || a === "sqs:ReceiveMessage")),
  ); // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(users.length).toBeGreaterThan(0);
  for (const p of users) {
    const queueRegion = p.Statement.find((s: any) => [s.Action].flat().some((a: string) => a.startsWith("sqs:"))).Resource.split(":")[3]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const grant = p.Statement.find((s: any) => [s.Action].flat().includes("kms:Decrypt")); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(grant).toMatchObject({
      Resource: queueRegion === "us-east-1" ? keyArns[1] : keyArns[0],
      Condition: { StringEquals: { "kms:ViaService": `sqs.${queueRegion}.amazonaws.com` } },
    });
  }
  expect(() => envOf({ ...dev, messageEncryption: { keyArns: [keyArns[1]] } }, "environments/dev.ts")).toThrow(
    new RegExp(`names no key in ${main}, where this environment creates queues and topics`),
  );
});
