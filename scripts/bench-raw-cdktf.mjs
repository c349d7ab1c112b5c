#!/usr/bin/env node
/**
 * Part of `npm run bench`: the baseline. Re-synthesizes stacks that `npm run synth` wrote (BENCH_RAW_INPUT, a
 * cdktf.out/stacks directory) with plain cdktf and no project logic: one TerraformStack per stack, the provider
 * classes by deep path, one provider-class instance per resource and data source with its logical id and its
 * synthesized attributes as overrides, the same outputs, backend and import blocks. What remains is what cdktf
 * itself costs for these resources, so `npm run bench` can print our synth's time as a ratio of it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

const require = createRequire(import.meta.url);
const cdktf = require("cdktn");
const input = process.env.BENCH_RAW_INPUT;
if (!input) throw new Error("BENCH_RAW_INPUT must name a cdktf.out/stacks directory");

const pascal = (kebab) =>
  kebab
    .split("-")
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
const classes = new Map();
/** The provider class of a Terraform type: aws_s3_bucket -> lib/s3-bucket S3Bucket (data: lib/data-aws-x DataAwsX). */
function providerClass(type, data) {
  const key = `${data ? "data." : ""}${type}`;
  if (!classes.has(key)) {
    const dir = data ? `data-${type.replace(/_/g, "-")}` : type.replace(/^aws_/, "").replace(/_/g, "-");
    const exports = require(`@cdktf/provider-aws/lib/${dir}`);
    // Usually the PascalCase name; jsii renames a few (S3BucketServerSideEncryptionConfigurationA), so match the type.
    classes.set(key, exports[pascal(dir)]?.tfResourceType === type ? exports[pascal(dir)] : Object.values(exports).find((c) => c?.tfResourceType === type));
  }
  return classes.get(key);
}

/** Sets every top-level attribute of a synthesized block as an override (cdktf merges them into its output). */
function overrideAll(element, block) {
  for (const [k, v] of Object.entries(block)) if (k !== "//") element.addOverride(k, v);
}

const app = new cdktf.App({ outdir: process.env.CDKTF_OUTDIR, skipValidation: true });
const { AwsProvider } = require("@cdktf/provider-aws/lib/provider");
for (const name of readdirSync(input)) {
  const json = JSON.parse(readFileSync(path.join(input, name, "cdk.tf.json"), "utf8"));
  const stack = new cdktf.TerraformStack(app, name);
  for (const [i, p] of [json.provider?.aws ?? []].flat().entries()) overrideAll(new AwsProvider(stack, `aws${i}`, {}), p);
  const backend = json.terraform?.backend ?? {};
  if (backend.s3) new cdktf.S3Backend(stack, backend.s3);
  if (backend.local) new cdktf.LocalBackend(stack, backend.local);
  for (const [section, data] of [
    ["resource", false],
    ["data", true],
  ]) {
    for (const [type, byName] of Object.entries(json[section] ?? {})) {
      const Resource = providerClass(type, data);
      for (const [id, block] of Object.entries(byName)) {
        const r = new Resource(stack, id, {});
        r.overrideLogicalId(id);
        overrideAll(r, block);
      }
    }
  }
  for (const [id, o] of Object.entries(json.output ?? {})) {
    const out = new cdktf.TerraformOutput(stack, id, { value: "" });
    out.overrideLogicalId(id);
    overrideAll(out, o);
  }
  if (json.import) stack.addOverride("import", json.import);
}
app.synth();
