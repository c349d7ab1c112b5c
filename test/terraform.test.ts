import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { prepareWorkdir, terraformPlan, VALIDATE_DIR } from "../scripts/lib/terraform";
import { synthesizeExamples } from "./support/synth";
import { loadEnvironments } from "../config/load";
import { describeWithTerraform } from "./support/terraform";

const stacks = synthesizeExamples();

describeWithTerraform("terraform validate and plan, offline, every example stack", () => {
  const plans: Record<string, any> = {};

  // `npm run validate` also runs `terraform validate`; plan validates the configuration as well.
  test.each(Object.keys(stacks))("%s plans", (name) => {
    const { dir } = prepareWorkdir(`test-${name}`, stacks[name]);
    const plan = terraformPlan(dir);
    expect(plan.exitCode).toBe(2); // changes: everything is created on an empty state
    expect(plan.changes.every((c) => c.endsWith(": create"))).toBe(true);
    plans[name] = plan.plan;
  });

  test("what Terraform will send for prod's shop site: TLS 1.2, HTTP/2, managed cache policies, logging", () => {
    const dist = plans.prod.resource_changes.find((rc: any) => rc.address.startsWith("aws_cloudfront_distribution.site-web_distribution"));
    expect(dist).toBeDefined();
    const after = dist.change.after;
    expect(after.http_version).toBe("http2");
    expect(after.viewer_certificate[0]).toMatchObject({ minimum_protocol_version: "TLSv1.2_2021", ssl_support_method: "sni-only" });
    expect(after.aliases).toEqual(["www.example.com"]);
    expect(after.default_cache_behavior[0]).toMatchObject({
      cache_policy_id: "658327ea-f89d-4fab-a63d-7e88639e58f6",
      viewer_protocol_policy: "redirect-to-https",
    });
    expect(after.ordered_cache_behavior.map((b: any) => [b.path_pattern, b.cache_policy_id, b.target_origin_id])).toEqual([
      // The replication source's folder, served outside the release origin path (invalidation.replicationPrefix).
      ["/vendor/*", "658327ea-f89d-4fab-a63d-7e88639e58f6", "s3-unversioned"],
      ["/api/*", "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "s3-origin"],
      ["/assets/*", "658327ea-f89d-4fab-a63d-7e88639e58f6", "s3-origin"],
    ]);
    expect(after.logging_config[0]).toMatchObject({ bucket: "example-org-prod-cloudfront-logs.s3.amazonaws.com", prefix: "shop-web/" });
    expect(after.tags_all).toMatchObject({ environment: "prod", sid: "shop", "managed-by": "cdktf", repository: "example-org/edge-delivery" });
  });

  test("every distribution of an environment that requires them gets a certificate with TLSv1.2_2021 and access logs", () => {
    const envs = loadEnvironments(path.join(__dirname, "..", "environments"));
    let checked = 0;
    for (const env of envs) {
      const distributions = plans[env.name].resource_changes.filter((rc: any) => rc.type === "aws_cloudfront_distribution");
      for (const d of distributions) {
        const after = d.change.after;
        if (env.security.requireCertificate) {
          expect([
            d.address,
            after.viewer_certificate[0].minimum_protocol_version,
            Boolean(after.viewer_certificate[0].acm_certificate_arn),
            Boolean(after.viewer_certificate[0].cloudfront_default_certificate),
          ]).toEqual([d.address, "TLSv1.2_2021", true, false]);
          checked++;
        }
        if (env.security.requireLogging) expect([d.address, after.logging_config.length]).toEqual([d.address, 1]);
      }
    }
    // Holds vacuously when no example requires them; config-security.test.ts covers the schema side either way.
    if (envs.some((e) => e.security.requireCertificate)) expect(checked).toBeGreaterThan(0);
  });
});

test("a work directory another live process plans in is refused with the holder named, not shared", () => {
  const name = "test-claimed-elsewhere";
  const dir = path.join(VALIDATE_DIR, name);
  mkdirSync(dir, { recursive: true });
  // Jest's parent process stands in for another test worker: it is alive for the whole run.
  writeFileSync(path.join(dir, ".claimed-by"), String(process.ppid));
  try {
    expect(() => prepareWorkdir(name, stacks.dev)).toThrow(`work directory ${name} (.validate/${name}) is in use by process ${process.ppid}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
