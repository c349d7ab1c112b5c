import { Testing, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ALL_VIEWER_EXCEPT_HOST_HEADER, FunctionEventType, StaticSite, type StaticSiteProps } from "./static-site";

const baseProps: StaticSiteProps = {
  envName: "dev",
  accountId: "123456789012",
  sid: "shop",
  siteName: "web",
  bucketName: "dev-shop-web-123456789012",
  aliases: [],
  priceClass: "PriceClass_200",
  defaultRootObject: "index.html",
  defaultBehavior: { cachePolicy: "CachingOptimized", compress: true },
  behaviors: [{ pathPattern: "/api/*", cachePolicy: "CachingDisabled", compress: true }],
};

function synth(props: Partial<StaticSiteProps> = {}, extra?: (site: StaticSite) => void) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  const site = new StaticSite(stack, "site", { ...baseProps, ...props });
  extra?.(site);
  return JSON.parse(Testing.synth(stack));
}

const only = (json: any, type: string) => Object.values<any>(json.resource[type])[0];

test("the bucket policy admits the distribution (and registered readers) and denies non-TLS access", () => {
  const json = synth({}, (site) => site.allowDistributionRead("arn:aws:cloudfront::123456789012:distribution/ESTAGING"));
  const policy = JSON.parse(only(json, "aws_s3_bucket_policy").policy);
  expect(policy.Statement[0]).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  expect(policy.Statement[1]).toMatchObject({
    Effect: "Allow",
    Principal: { Service: "cloudfront.amazonaws.com" },
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::dev-shop-web-123456789012/*",
  });
  expect(policy.Statement[1].Condition.StringEquals["AWS:SourceArn"]).toEqual([
    expect.stringMatching(/^\$\{aws_cloudfront_distribution\.site_distribution_[0-9A-F]+\.arn\}$/),
    "arn:aws:cloudfront::123456789012:distribution/ESTAGING",
  ]);
});

test("the origin is private: OAC, all public access blocked, SSE, versioning", () => {
  const json = synth();
  expect(only(json, "aws_cloudfront_distribution").origin[0].origin_access_control_id).toMatch(/aws_cloudfront_origin_access_control/);
  expect(only(json, "aws_s3_bucket_public_access_block")).toMatchObject({
    block_public_acls: true,
    block_public_policy: true,
    ignore_public_acls: true,
    restrict_public_buckets: true,
  });
  expect(only(json, "aws_s3_bucket_versioning").versioning_configuration.status).toBe("Enabled");
  expect(only(json, "aws_s3_bucket_ownership_controls").rule.object_ownership).toBe("BucketOwnerEnforced");
});

test("function associations land on their behavior", () => {
  const json = synth({
    functionAssociations: [
      { behavior: "default", eventType: FunctionEventType.VIEWER_REQUEST, function: { arn: "arn:a" } },
      { behavior: "/api/*", eventType: FunctionEventType.VIEWER_RESPONSE, function: { arn: "arn:b" } },
    ],
  });
  const d = only(json, "aws_cloudfront_distribution");
  expect(d.default_cache_behavior.function_association).toEqual([{ event_type: "viewer-request", function_arn: "arn:a" }]);
  expect(d.ordered_cache_behavior[0].function_association).toEqual([{ event_type: "viewer-response", function_arn: "arn:b" }]);
});

test("adopting an existing distribution imports it by id", () => {
  const json = synth({ adoptDistributionId: "E1EXISTING0001" });
  expect(json.import).toEqual([{ id: "E1EXISTING0001", to: expect.stringMatching(/^aws_cloudfront_distribution\.site_distribution_/) }]);
});

test("every taggable resource carries the sid tag", () => {
  const json = synth();
  for (const type of ["aws_s3_bucket", "aws_cloudfront_distribution"]) expect(only(json, type).tags).toEqual({ sid: "shop" });
});

test("a certificate brings TLS 1.2 minimum and SNI; without one the CloudFront certificate is used", () => {
  const withCert = only(
    synth({ aliases: ["www.example.com"], certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x" }),
    "aws_cloudfront_distribution",
  );
  expect(withCert.viewer_certificate).toEqual({
    acm_certificate_arn: "arn:aws:acm:us-east-1:123456789012:certificate/x",
    minimum_protocol_version: "TLSv1.2_2021",
    ssl_support_method: "sni-only",
  });
  expect(only(synth(), "aws_cloudfront_distribution").viewer_certificate).toEqual({ cloudfront_default_certificate: true });
});

test("the distribution's id and domain name are outputs with stable names", () => {
  const json = synth();
  expect(json.output.web_distribution_id.value).toMatch(/^\$\{aws_cloudfront_distribution\.site_distribution_\w+\.id\}$/);
  expect(json.output.web_distribution_domain_name.value).toMatch(/^\$\{aws_cloudfront_distribution\.site_distribution_\w+\.domain_name\}$/);
});

test("an unversioned folder gets a second origin without origin path and the first cache behavior", () => {
  const d = only(synth({ unversionedPrefix: "vendor/" }), "aws_cloudfront_distribution");
  expect(d.origin.map((o: any) => [o.origin_id, o.origin_path])).toEqual([
    ["s3-origin", undefined],
    ["s3-unversioned", undefined],
  ]);
  expect(d.ordered_cache_behavior.map((b: any) => [b.path_pattern, b.target_origin_id])).toEqual([
    ["/vendor/*", "s3-unversioned"],
    ["/api/*", "s3-origin"],
  ]);
  // Without it, one origin as before.
  expect(only(synth(), "aws_cloudfront_distribution").origin).toHaveLength(1);
});

describe("behaviorOrigins: a declared behavior served by another origin (e.g. a function URL)", () => {
  const origin = {
    pathPattern: "/api/*",
    originId: "lambda-dev-shop-api",
    domainName: "abc.lambda-url.ap-northeast-1.on.aws",
    originAccessControlId: "E2OAC",
    readTimeoutSeconds: 20,
  };

  test("adds the origin (HTTPS only, the read timeout) and routes only that behavior to it, with every method and the viewer's request but Host", () => {
    const d = only(
      synth({ behaviors: [...baseProps.behaviors, { pathPattern: "/assets/*", cachePolicy: "CachingOptimized", compress: true }], behaviorOrigins: [origin] }),
      "aws_cloudfront_distribution",
    );
    expect(d.origin[1]).toMatchObject({
      origin_id: "lambda-dev-shop-api",
      domain_name: origin.domainName,
      origin_access_control_id: "E2OAC",
      custom_origin_config: { origin_protocol_policy: "https-only", origin_read_timeout: 20 },
    });
    const [api, assets] = d.ordered_cache_behavior;
    expect(api).toMatchObject({ target_origin_id: "lambda-dev-shop-api", origin_request_policy_id: ALL_VIEWER_EXCEPT_HOST_HEADER });
    expect(api.allowed_methods).toEqual(expect.arrayContaining(["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]));
    expect(assets).toMatchObject({ target_origin_id: "s3-origin", allowed_methods: ["GET", "HEAD", "OPTIONS"] });
    expect(assets.origin_request_policy_id).toBeUndefined();
  });

  test("a behavior the site does not declare, or two origins for one behavior, is refused", () => {
    expect(() => synth({ behaviorOrigins: [{ ...origin, pathPattern: "/img/*" }] })).toThrow(
      'test/site: no cache behavior "/img/*" for origin lambda-dev-shop-api; declared: /api/*',
    );
    expect(() => synth({ behaviorOrigins: [origin, { ...origin, originId: "other" }] })).toThrow(
      'test/site: two origins for behavior "/api/*"; a behavior has one origin',
    );
  });
});

test("server access logs of the origin bucket only when asked for; the web ACL on the distribution", () => {
  expect(synth().resource.aws_s3_bucket_logging).toBeUndefined();
  const json = synth({
    bucketAccessLogs: { bucket: "dev-access-logs", prefix: "dev-shop-web/" },
    webAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/0f0e0d0c-0b0a-0908-0706-050403020100",
  });
  expect(only(json, "aws_s3_bucket_logging")).toMatchObject({
    target_bucket: "dev-access-logs",
    target_prefix: "dev-shop-web/",
    bucket: expect.stringMatching(/^\$\{aws_s3_bucket\.site_bucket_\w+\.id\}$/),
  });
  expect(only(json, "aws_cloudfront_distribution").web_acl_id).toBe(
    "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/0f0e0d0c-0b0a-0908-0706-050403020100",
  );
});
