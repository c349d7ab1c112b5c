import { Aspects, Testing, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { DeletionProtection } from "./deletion-protection";
import { GithubOidcProvider } from "../access/github-oidc-provider";
import { StaticSite } from "../cloudfront/static-site";

function synth(protect: boolean) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  new StaticSite(stack, "site", {
    envName: "prod",
    accountId: "345678901234",
    sid: "shop",
    siteName: "web",
    bucketName: "prod-shop-web-345678901234",
    aliases: [],
    priceClass: "PriceClass_200",
    defaultRootObject: "index.html",
    defaultBehavior: { cachePolicy: "CachingOptimized", compress: true },
    behaviors: [],
    // A lifecycle the site already has must survive the aspect.
    distributionIgnoreChanges: ["origin"],
  });
  new GithubOidcProvider(stack, "oidc", { accountId: "345678901234" });
  new S3Bucket(stack, "artifacts", { bucketPrefix: "prod-artifacts-", forceDestroy: true });
  new CloudwatchLogGroup(stack, "logs", { name: "/aws/lambda/x", retentionInDays: 90 });
  if (protect) Aspects.of(stack).add(new DeletionProtection());
  const json = JSON.parse(Testing.synth(stack));
  const one = (type: string, match: (r: any) => boolean = () => true) => Object.values<any>(json.resource[type]).find(match);
  return { json, one };
}

test("distributions, site buckets and the OIDC provider get prevent_destroy; existing lifecycle settings stay", () => {
  const { one } = synth(true);
  expect(one("aws_cloudfront_distribution").lifecycle).toEqual({ ignore_changes: ["origin"], prevent_destroy: true });
  expect(one("aws_s3_bucket", (b) => b.bucket === "prod-shop-web-345678901234").lifecycle).toEqual({ prevent_destroy: true });
  expect(one("aws_iam_openid_connect_provider").lifecycle).toEqual({ prevent_destroy: true });
});

test("log groups are kept in AWS when they leave the configuration (skip_destroy); scratch buckets may be destroyed, but not emptied", () => {
  const { one } = synth(true);
  expect(one("aws_cloudwatch_log_group").skip_destroy).toBe(true);
  expect(one("aws_s3_bucket", (b) => b.bucket_prefix === "prod-artifacts-").lifecycle).toBeUndefined();
  expect(one("aws_s3_bucket", (b) => b.bucket_prefix === "prod-artifacts-").force_destroy).toBe(false);
  expect(synth(false).one("aws_s3_bucket", (b) => b.bucket_prefix === "prod-artifacts-").force_destroy).toBe(true);
});

test("without the aspect nothing is protected", () => {
  const { json } = synth(false);
  expect(JSON.stringify(json)).not.toMatch(/prevent_destroy|skip_destroy/);
});
