import { inventory } from "../../inventory";
import { distributionRoutes, routingDiagram, stackDistributions } from "./routes";

const stack = {
  resource: {
    aws_cloudfront_function: {
      fn_redirect: { name: "dev-shop-redirect", comment: "SHOP-1 redirects (code from the repository)" },
      fn_headers: { name: "dev-shop-headers", comment: "SHOP-2 headers", lifecycle: { ignore_changes: ["code", "comment"] } },
    },
    aws_s3_bucket: { site_bucket: { bucket: "dev-shop-web" } },
    aws_lambda_function: { thumbs_fn: { function_name: "dev-media-thumbs", lifecycle: { ignore_changes: ["image_uri"] } } },
    aws_lambda_function_url: { thumbs_url: { function_name: "${aws_lambda_function.thumbs_fn.function_name}" } },
    aws_cloudfront_distribution: {
      web: {
        comment: "dev storefront",
        origin: [
          { origin_id: "s3", domain_name: "${aws_s3_bucket.site_bucket.bucket_regional_domain_name}" },
          { origin_id: "fn", domain_name: '${replace(replace(aws_lambda_function_url.thumbs_url.function_url, "https://", ""), "/", "")}' },
        ],
        ordered_cache_behavior: [
          { path_pattern: "/thumbs/*", target_origin_id: "fn" },
          {
            path_pattern: "/assets/*",
            target_origin_id: "s3",
            function_association: [{ event_type: "viewer-response", function_arn: "${aws_cloudfront_function.fn_headers.arn}" }],
          },
        ],
        default_cache_behavior: {
          target_origin_id: "s3",
          function_association: [
            { event_type: "viewer-response", function_arn: "${aws_cloudfront_function.fn_headers.arn}" },
            { event_type: "viewer-request", function_arn: "${aws_cloudfront_function.fn_redirect.arn}" },
          ],
        },
      },
    },
  },
};

test("routes from a synthesized stack: behaviors in matching order, functions by name and owner, origins by what they are", () => {
  expect(distributionRoutes(stack.resource.aws_cloudfront_distribution.web, stack)).toEqual({
    continuousDeployment: false,
    staging: false,
    routes: [
      { pathPattern: "/thumbs/*", origin: "Lambda function URL dev-media-thumbs", functions: [] },
      { pathPattern: "/assets/*", origin: "S3 bucket dev-shop-web", functions: [{ event: "viewer-response", name: "dev-shop-headers", owner: "app" }] },
      {
        pathPattern: "*",
        origin: "S3 bucket dev-shop-web",
        functions: [
          { event: "viewer-request", name: "dev-shop-redirect", owner: "infra" },
          { event: "viewer-response", name: "dev-shop-headers", owner: "app" },
        ],
      },
    ],
  });
});

test("routes from a real plan's values: function names from their ARNs, buckets from their domain names", () => {
  const values = {
    origin: [{ origin_id: "s3", domain_name: "prod-shop-web.s3.ap-northeast-1.amazonaws.com" }],
    ordered_cache_behavior: [],
    default_cache_behavior: [
      {
        target_origin_id: "s3",
        function_association: [{ event_type: "viewer-request", function_arn: "arn:aws:cloudfront::345678901234:function/prod-shop-redirect" }],
      },
    ],
  };
  expect(distributionRoutes(values).routes).toEqual([
    { pathPattern: "*", origin: "S3 bucket prod-shop-web", functions: [{ event: "viewer-request", name: "prod-shop-redirect", owner: undefined }] },
  ]);
});

test("a before → after diagram is one Mermaid flowchart with both sides", () => {
  const after = distributionRoutes(stack.resource.aws_cloudfront_distribution.web, stack);
  const before = { ...after, routes: after.routes.slice(1) };
  const chart = routingDiagram(after, before);
  expect(chart.split("\n")[0]).toBe("```mermaid");
  expect(chart).toContain('subgraph before["before"]');
  expect(chart).toContain('Ab0["1. /thumbs/*"]');
  expect(chart).toContain('Bb0["1. /assets/*<br/>viewer-response: dev-shop-headers (app)"]');
  expect(chart).toContain('Ao0[("Lambda function URL dev-media-thumbs")]');
  expect(chart.trimEnd().endsWith("```")).toBe(true);
});

test("the inventory lists every distribution of the chosen stacks, and names an unknown --env", () => {
  const md = inventory({ dev: stack, stg: { resource: {} } });
  expect(md).toContain("## dev\n\n### dev storefront\n\n`aws_cloudfront_distribution.web` · 3 behaviors · 3 function associations");
  expect(md).toContain("## stg\n\nNo distributions.");
  expect(stackDistributions(stack).map((d) => d.title)).toEqual(["dev storefront"]);
  expect(inventory({ dev: stack, stg: {} }, ["stg"])).not.toContain("## dev");
  expect(() => inventory({ dev: stack }, ["qa"])).toThrow("--env qa: no such stack; stacks: dev");
});
