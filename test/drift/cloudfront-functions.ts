/**
 * CloudFront Functions under real Terraform (offline): the code Terraform uploads is the built code exactly, and the
 * ownership boundary holds. One small purpose-built stack: the dev environment with only its "lp" site and two
 * functions, one owned by the application team and one by the infrastructure team.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { validateEnvironments } from "../../config/load";
import { readManifestSources, validateFunctions, type Cf2Function } from "../../config/functions/cf2/load";
import dev from "../../environments/dev";
import type { PlanResult } from "../../scripts/lib/terraform";
import type { CraftedCase } from "../../scripts/lib/crafted-state";
import { synthesize } from "../support/synth";
import { describeWithTerraform } from "../support/terraform";

// Without the application-team roles: only the resources under test, so each plan stays quick.
const products = dev.products.map(({ access: _access, ...p }) => p);
const env = validateEnvironments([{ file: "environments/dev.ts", input: { ...dev, products, githubOidc: undefined, sites: [dev.sites![1]] } }])[0];

// Template literals, "%{" and already-doubled "$${" / "%%{" must all reach CloudFront as written.
const INFRA_CODE = [
  "// Terraform reads %{ if } and ${ var } as templates unless escaped; so does $${ and %%{",
  "function handler(event) {",
  "  var r = event.request;",
  "  var tag = '%{not-a-directive}';",
  "  return { statusCode: 302, headers: { location: { value: `https://${r.headers.host.value}/ja${r.uri}?t=${tag}` } } };",
  "}",
  "",
].join("\n");
const APP_CODE = "function handler(event) {\n  return event.response;\n}\n";
const EXISTING_STORE = `arn:aws:cloudfront::${dev.accountId}:key-value-store/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111`;

function functionsFor(comment: string, runtime: string): Cf2Function[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cf2-tf-"));
  const write = (name: string, manifest: object, code: string) => {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, "manifest.json"), JSON.stringify(manifest));
    writeFileSync(path.join(dir, name, "index.js"), code);
  };
  const base = { sid: "media", environments: ["dev"], runtime };
  // The app-owned function reads a store this project creates; the infra-owned one an existing store, by ARN.
  const kvs = runtime === "cloudfront-js-2.0";
  write(
    "lp-app",
    {
      ...base,
      ticket: "MEDIA-1",
      name: "lp-app",
      owner: "app",
      comment,
      associations: [{ site: "lp", behavior: "default", eventType: "viewer-response" }],
      ...(kvs ? { keyValueStore: { name: "lp-flags" } } : {}),
    },
    APP_CODE,
  );
  write(
    "lp-infra",
    {
      ...base,
      ticket: "MEDIA-2",
      name: "lp-infra",
      owner: "infra",
      associations: [{ site: "lp", behavior: "default", eventType: "viewer-request" }],
      ...(kvs ? { keyValueStore: { arn: { dev: EXISTING_STORE } } } : {}),
    },
    INFRA_CODE,
  );
  return validateFunctions(readManifestSources(dir), [env]);
}

const functions = functionsFor("A/B test of the landing page", "cloudfront-js-2.0");
export const stack = synthesize([env], functions).dev;
export const NAME = "test-cf2";
const isFunction = (kind: "app" | "infra") => (address: string) => address.startsWith(`aws_cloudfront_function.cf2-lp-${kind}_function_`);

/**
 * The ownership cases, planned with the other drift suites' in one Terraform plan (test/drift-plans.terraform.test.ts),
 * each against its own copy of the applied state; each test asserts its own case's part of that plan.
 */
export const cases: Record<string, CraftedCase> = {
  appPublished: (address, attrs) => {
    if (!isFunction("app")(address)) return;
    attrs.code = "function handler(event) {\n  event.response.headers['x-team'] = { value: 'v2' };\n  return event.response;\n}\n";
    attrs.etag = "ETVPDKIK61AWE";
    attrs.live_stage_etag = "ETVPDKIK61AWE";
    attrs.key_value_store_associations = ["arn:aws:cloudfront::123456789012:key-value-store/8aa76c93-4b5b-4c8e-a5d3-8d9e2bca1c55"];
  },
  laterCommit: {
    mutate: (address, attrs) => {
      if (isFunction("app")(address)) attrs.code = "function handler(event) { return event.response; } // DEVELOPMENT, untested";
    },
    config: synthesize([env], functionsFor("A/B test, second round", "cloudfront-js-1.0")).dev,
  },
  infraEdited: (address, attrs) => {
    if (isFunction("infra")(address)) attrs.code = "function handler(event) { return event.request; } // edited in the console";
  },
};

/** The tests, on this stack's cases (`plans`) and its plan on an empty state (`emptyPlan`): test/drift-plans.terraform.test.ts. */
export function describeDrift(plans: () => Record<string, PlanResult>, emptyPlan: () => PlanResult): void {
  describeWithTerraform("CloudFront Functions under Terraform", () => {
    test("the planned code is the built code exactly (template literals, %{, $${ and %%{ included)", () => {
      const { plan } = emptyPlan();
      const after = (kind: "app" | "infra") => plan.resource_changes.find((rc: any) => isFunction(kind)(rc.address)).change.after;
      expect(after("infra").code).toBe(functions.find((f) => f.manifest.name === "lp-infra")!.code);
      expect(after("infra").code).toBe(INFRA_CODE);
      expect(after("app").code).toBe(APP_CODE);
      expect(after("app")).toMatchObject({ name: "dev-media-lp-app", publish: true, comment: "MEDIA-1 A/B test of the landing page" });
      const group = plan.resource_changes.find((rc: any) => rc.change.after?.name === "/aws/cloudfront/function/dev-media-lp-app");
      expect(group.change.after).toMatchObject({ retention_in_days: 14, tags: { sid: "media", ticket: "MEDIA-1" } });
      // The log group exists before the function: the function depends on it.
      const cfg = plan.configuration.root_module.resources.find((r: any) => isFunction("app")(r.address));
      expect(cfg.depends_on).toEqual([expect.stringMatching(/^aws_cloudwatch_log_group\.cf2-lp-app_log-group_/)]);
    });

    test("key value stores: created per environment and associated at creation (app-owned), or referenced by ARN (infra-owned)", () => {
      const { plan } = emptyPlan();
      const store = plan.resource_changes.find((rc: any) => rc.type === "aws_cloudfront_key_value_store");
      expect(store.change).toMatchObject({ actions: ["create"], after: { name: "dev-media-lp-flags", comment: "MEDIA-1 read by dev-media-lp-app" } });
      const change = (kind: "app" | "infra") => plan.resource_changes.find((rc: any) => isFunction(kind)(rc.address)).change;
      // The created store's ARN is known after apply: the association is planned as a reference to it.
      expect(change("app").after_unknown.key_value_store_associations).toBe(true);
      const cfg = plan.configuration.root_module.resources.find((r: any) => isFunction("app")(r.address));
      expect(cfg.expressions.key_value_store_associations.references).toEqual(
        expect.arrayContaining([expect.stringMatching(/^aws_cloudfront_key_value_store\.kvs-media-lp-flags_store_\w+\.arn$/)]),
      );
      expect(change("infra").after.key_value_store_associations).toEqual([EXISTING_STORE]);
    });

    test("app-owned: after the team's update + publish (code, etag, live stage, a key value store), the plan is empty", () => {
      const plan = plans().appPublished;
      expect(plan.changes).toEqual([]);
      expect(plan.exitCode).toBe(0);
    });

    test("app-owned: a later change of comment and runtime in the repository makes no update, so nothing is published", () => {
      const plan = plans().laterCommit;
      // The same runtime change does update (and publish) the infra-owned function: only the app-owned one is left alone.
      // Runtime 1.0 has no key value stores, so the manifests drop theirs: the created store goes, and the app-owned
      // function's association is still not touched (it is the team's now).
      expect(plan.changes.sort()).toEqual([
        expect.stringMatching(/^aws_cloudfront_function\.cf2-lp-infra_function_\w+: update$/),
        expect.stringMatching(/^aws_cloudfront_key_value_store\.kvs-media-lp-flags_store_\w+: delete$/),
      ]);
    });

    test("infra-owned: code changed outside Terraform is reverted to the repository's code (and published)", () => {
      const plan = plans().infraEdited;
      expect(plan.exitCode).toBe(2);
      expect(plan.changes).toEqual([expect.stringMatching(/^aws_cloudfront_function\.cf2-lp-infra_function_\w+: update$/)]);
      const change = plan.plan.resource_changes.find((rc: any) => isFunction("infra")(rc.address)).change;
      expect(change.after).toMatchObject({ code: INFRA_CODE, publish: true });
    });
  });
}
