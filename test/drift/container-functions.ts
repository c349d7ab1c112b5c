/**
 * Container-image Lambda functions under real Terraform (offline plans against crafted applied states): the first
 * deploy runs the bootstrap image, what the application team's pipeline does is never drift for an app-owned
 * function, and for an infra-owned one the tag parameter is the truth. One purpose-built stack: the dev example
 * with only its "lp" site (a /thumbnails/* behavior slot) and two functions built in a temporary directory.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { validateEnvironments } from "../../config/load";
import { readContainerFunctionManifestSources, validateContainerFunctions } from "../../config/functions/lambda/load";
import dev from "../../environments/dev";
import { LambdaArchitecture, bootstrapImageUri, registryHost } from "../../model/container-function";
import type { PlanResult } from "../../scripts/lib/terraform";
import type { CraftedCase } from "../../scripts/lib/crafted-state";
import { synthesize } from "../support/synth";
import { describeWithTerraform } from "../support/terraform";

const products = dev.products.map(({ access: _access, ...p }) => p);
const lp = { name: "lp", sid: "media", distribution: { id: "E1DEVMEDIALP01", behaviors: [{ pathPattern: "/thumbnails/*" }] } };
const env = validateEnvironments([{ file: "environments/dev.ts", input: { ...dev, products, githubOidc: undefined, sites: [lp] } }])[0];

const dir = mkdtempSync(path.join(os.tmpdir(), "lambda-tf-"));
const write = (manifest: { name: string } & Record<string, unknown>) => {
  mkdirSync(path.join(dir, manifest.name));
  writeFileSync(path.join(dir, manifest.name, "manifest.json"), JSON.stringify(manifest));
};
write({ ticket: "MEDIA-1300", name: "thumbs", sid: "media", environments: ["dev"], owner: "app", origin: { site: "lp", pathPattern: "/thumbnails/*" } });
write({ ticket: "MEDIA-1301", name: "resizer", sid: "media", environments: ["dev"], owner: "infra", architecture: "x86_64" });
const specs = validateContainerFunctions(readContainerFunctionManifestSources(dir), [env]);
export const stack = synthesize([env], [], specs).dev;
export const NAME = "test-lambda";

type Attrs = Record<string, any>;
const repo = (name: string) => `${registryHost(env.accountId, env.region)}/dev-media-${name}`;
const isFunction = (name: string) => (address: string) => address.startsWith(`aws_lambda_function.lambda-${name}_function_`);
const isParameter = (name: string) => (address: string) => address.startsWith(`aws_ssm_parameter.lambda-${name}_image-tag_`);

/** What `aws lambda update-function-code --image-uri` leaves in the function (state as a refresh would read it). */
function codeUpdated(attrs: Attrs, imageUri: string, sha: string): void {
  Object.assign(attrs, { image_uri: imageUri, code_sha256: sha, last_modified: "2026-12-01T10:00:00.000+0000", source_code_hash: sha });
}
/** What `aws ssm put-parameter --overwrite` leaves (a refresh reads the value into both attributes). */
function parameterWritten(attrs: Attrs, tag: string, version = 2): void {
  Object.assign(attrs, { insecure_value: tag, value: tag, version });
}

/**
 * Every drift case of this stack, planned with the other drift suites' in one Terraform plan
 * (test/drift-plans.terraform.test.ts), each against its own copy of the applied state; each test below asserts its
 * own case's part of that plan.
 */
let touched = 0;
export const cases: Record<string, CraftedCase> = {
  appPushed: (address, attrs) => {
    if (isFunction("thumbs")(address)) {
      touched++;
      codeUpdated(attrs, `${repo("thumbs")}:3f9c2ab`, "sha-3f9c2ab");
    }
    if (isParameter("thumbs")(address)) {
      touched++;
      parameterWritten(attrs, "3f9c2ab");
    }
  },
  appRollback: (address, attrs) => {
    if (isFunction("thumbs")(address)) codeUpdated(attrs, `${repo("thumbs")}:1a2b3c4`, "sha-1a2b3c4");
    if (isParameter("thumbs")(address)) parameterWritten(attrs, "3f9c2ab", 3);
  },
  appRecreated: {
    state: (state) => {
      state.resources = state.resources.filter((r: any) => !isFunction("thumbs")(`${r.type}.${r.name}`));
      for (const r of state.resources) if (isParameter("thumbs")(`${r.type}.${r.name}`)) parameterWritten(r.instances[0].attributes, "3f9c2ab");
      return state;
    },
  },
  infraFirstTag: (address, attrs) => {
    if (isParameter("resizer")(address)) parameterWritten(attrs, "a1b2c3d");
  },
  infraDeployed: (address, attrs) => {
    if (isFunction("resizer")(address)) codeUpdated(attrs, `${repo("resizer")}:a1b2c3d`, "sha-a1b2c3d");
    if (isParameter("resizer")(address)) parameterWritten(attrs, "b2c3d4e", 3);
  },
  infraBypassed: (address, attrs) => {
    if (isFunction("resizer")(address)) codeUpdated(attrs, `${repo("resizer")}:hotfix1`, "sha-hotfix1");
    if (isParameter("resizer")(address)) parameterWritten(attrs, "a1b2c3d");
  },
  consoleMemory: (address, attrs) => {
    if (isFunction("thumbs")(address)) attrs.memory_size = 3008;
  },
};

/** The tests, on this stack's cases (`plans`) and its plan on an empty state (`emptyPlan`): test/drift-plans.terraform.test.ts. */
export function describeDrift(plans: () => Record<string, PlanResult>, emptyPlan: () => PlanResult): void {
  describeWithTerraform("container functions under Terraform", () => {
    test("first deploy: repository, policies, parameter 'initial', log group, role and the function on the bootstrap image", () => {
      const plan = emptyPlan();
      const after = (match: (a: string) => boolean) => plan.plan.resource_changes.find((rc: any) => match(rc.address)).change.after;
      for (const fn of ["thumbs", "resizer"]) {
        expect(plan.changes).toEqual(
          expect.arrayContaining(
            [
              "aws_ecr_repository",
              "aws_ecr_lifecycle_policy",
              "aws_ecr_repository_policy",
              "aws_ssm_parameter",
              "aws_cloudwatch_log_group",
              "aws_iam_role",
              "aws_iam_role_policy",
              "aws_lambda_function",
            ].map((type) => expect.stringMatching(new RegExp(`^${type}\\.lambda-${fn}_\\S+: create$`))),
          ),
        );
        expect(after(isParameter(fn))).toMatchObject({ name: `/edge/dev/media/${fn}/image-tag`, insecure_value: "initial" });
      }
      // Known at plan time: the runbook's "the function starts on the bootstrap image".
      expect(after(isFunction("thumbs"))).toMatchObject({
        package_type: "Image",
        image_uri: bootstrapImageUri(env.accountId, env.region, LambdaArchitecture.ARM64),
        architectures: ["arm64"],
      });
      expect(after(isFunction("resizer")).image_uri).toBe(bootstrapImageUri(env.accountId, env.region, LambdaArchitecture.X86_64));
      expect(plan.changes).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^aws_lambda_function_url\.lambda-thumbs_origin_url_\w+: create$/),
          expect.stringMatching(/^aws_cloudfront_origin_access_control\.lambda-thumbs_origin_oac_\w+: create$/),
          expect.stringMatching(/^aws_lambda_permission\.lambda-thumbs_origin_invoke-url-lp_\w+: create$/),
          expect.stringMatching(/^aws_lambda_permission\.lambda-thumbs_origin_invoke-lp_\w+: create$/),
        ]),
      );
      const behavior = after((a) => a.startsWith("aws_cloudfront_distribution.site-lp_")).ordered_cache_behavior[0];
      expect(behavior).toMatchObject({
        path_pattern: "/thumbnails/*",
        target_origin_id: "lambda-dev-media-thumbs",
        origin_request_policy_id: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
      });
      expect(behavior.allowed_methods).toEqual(expect.arrayContaining(["POST", "PUT"]));
      // The resizer has no origin: no URL, no permission.
      expect(plan.changes.filter((c) => c.includes("lambda-resizer_origin"))).toEqual([]);
    });

    test("app: after the pipeline pushed 3f9c2ab, updated the code and wrote the parameter, the next plan is empty", () => {
      const plan = plans().appPushed;
      expect(touched).toBe(2);
      expect(plan.changes).toEqual([]);
      expect(plan.exitCode).toBe(0);
    });

    test("app: a rollback to an older image by the team (code only, parameter still newer) is not drift either", () => {
      expect(plans().appRollback.exitCode).toBe(0);
    });

    test("app: re-creating the function (deleted by hand) uses the tag the parameter names, not the bootstrap image", () => {
      const created = plans().appRecreated.plan.resource_changes.find((rc: any) => isFunction("thumbs")(rc.address));
      expect(created.change.actions).toEqual(["create"]);
      expect(created.change.after.image_uri).toBe(`${repo("thumbs")}:3f9c2ab`);
    });

    test("infra: the first tag written to the parameter replaces the bootstrap image at the next apply", () => {
      const plan = plans().infraFirstTag;
      expect(plan.exitCode).toBe(2);
      expect(plan.changes).toEqual([expect.stringMatching(/^aws_lambda_function\.lambda-resizer_function_\w+: update$/)]);
      const change = plan.plan.resource_changes.find((rc: any) => isFunction("resizer")(rc.address)).change;
      expect(change.before.image_uri).toBe(bootstrapImageUri(env.accountId, env.region, LambdaArchitecture.X86_64));
      expect(change.after.image_uri).toBe(`${repo("resizer")}:a1b2c3d`);
    });

    test("infra: a parameter change is deployed (and the parameter itself is not touched)", () => {
      const plan = plans().infraDeployed;
      expect(plan.changes).toEqual([expect.stringMatching(/^aws_lambda_function\.lambda-resizer_function_\w+: update$/)]);
      expect(plan.plan.resource_changes.find((rc: any) => isFunction("resizer")(rc.address)).change.after.image_uri).toBe(`${repo("resizer")}:b2c3d4e`);
    });

    test("infra: a code update that bypassed the parameter is reverted to the parameter's tag", () => {
      const plan = plans().infraBypassed;
      expect(plan.exitCode).toBe(2);
      expect(plan.changes).toEqual([expect.stringMatching(/^aws_lambda_function\.lambda-resizer_function_\w+: update$/)]);
      const change = plan.plan.resource_changes.find((rc: any) => isFunction("resizer")(rc.address)).change;
      expect(change.before.image_uri).toBe(`${repo("resizer")}:hotfix1`);
      expect(change.after.image_uri).toBe(`${repo("resizer")}:a1b2c3d`);
    });

    test("a console change of what the infrastructure team owns (memory of the app-owned function) is still drift", () => {
      expect(plans().consoleMemory.changes).toEqual([expect.stringMatching(/^aws_lambda_function\.lambda-thumbs_function_\w+: update$/)]);
    });
  });
}
