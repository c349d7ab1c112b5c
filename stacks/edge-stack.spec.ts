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
  const buckets = Object.values<any>(stack.resource.aws_s3_bucket).map((b) => b.bucket).sort();
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
      const principals = JSON.parse(r.assume_role_policy.replace(/\$\$\{/g, "${")).Statement.map((s: any) => Object.keys(s.Principal ?? {})).flat();
      return principals.length > 0 && principals.every((p: string) => p === "Service");
    });
    // The recorder's own roles are created after it and record nothing of their own.
    const others = serviceRoles.filter((r) => !/change-recorder/.test(r.name));
    expect(others.length).toBeGreaterThan(0);
    for (const role of others) expect(config.automationPrincipals).toContain(`arn:aws:iam::${stack.provider.aws[0].allowed_account_ids[0]}:role/${role.name}`);
  }
});
