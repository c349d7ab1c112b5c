/** Rules on the Terraform JSON itself: template syntax in literal values, provider defaults. */
import { Level, list, type Finding, type Rule, type StackJson } from "../rule";

/**
 * Terraform would read `${...}` and `%{...}` as templates. What cdktf emits on purpose are references
 * (`${aws_x.name.attr}`) and function calls; anything else is literal text that should have been escaped.
 */
const REFERENCE = /^(data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_]+|\[[^\]]+\])*$/;
const FUNCTION_CALL = /^[a-z][a-z0-9_]*\(/;

/** The unescaped template sequences in a value (empty when it holds only references, calls and escapes). */
export function unescapedTemplates(value: string): string[] {
  const found: string[] = [];
  for (const m of value.matchAll(/(\$+)\{([^}]*)\}?/g)) {
    if (m[1].length % 2 === 0) continue; // "$${" is an escaped literal
    const inner = m[2];
    if (REFERENCE.test(inner) || FUNCTION_CALL.test(inner)) continue;
    found.push(m[0]);
  }
  for (const m of value.matchAll(/(%+)\{/g)) if (m[1].length % 2 === 1) found.push(`${m[0]}...`);
  return found;
}

export const noUnescapedTemplates: Rule = {
  id: "EDGE-TF-1",
  level: Level.ERROR,
  title: "No unescaped ${ or %{ in any value",
  explanation:
    "Terraform reads ${...} and %{...} in every string as template syntax " +
    "(https://developer.hashicorp.com/terraform/language/expressions/strings#string-templates). Literal text that " +
    "contains them (an IAM policy variable such as ${aws:PrincipalTag/sid}, a JavaScript template literal) must be " +
    "written $${ and %%{: escapeTerraformTemplates and policyJson in modules/blocks/policy.ts do that and leave cdktf's own " +
    "references alone. Unescaped, the plan fails or, worse, interpolates something else.",
  check(stack) {
    const findings: Finding[] = [];
    const walk = (v: unknown, address: string, attribute: string) => {
      if (typeof v === "string") {
        for (const t of unescapedTemplates(v)) findings.push({ address, message: `${attribute || "value"} has unescaped "${t}"` });
      } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, address, `${attribute}[${i}]`));
      else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) if (k !== "//") walk(x, address, attribute ? `${attribute}.${k}` : k);
    };
    for (const [section, prefix] of [
      ["resource", ""],
      ["data", "data."],
    ] as const)
      for (const [type, byName] of Object.entries<StackJson>(stack[section] ?? {}))
        for (const [name, block] of Object.entries<StackJson>(byName)) walk(block, `${prefix}${type}.${name}`, "");
    for (const [name, output] of Object.entries<StackJson>(stack.output ?? {})) walk(output, `output.${name}`, "");
    return findings;
  },
  examples: {
    violating: { resource: { aws_cloudfront_function: { f: { code: "var s = `${a + b}`" } } } },
    passing: { resource: { aws_cloudfront_function: { f: { code: "var s = `$${a + b}`", comment: "${aws_s3_bucket.b.arn}" } } } },
  },
};

const REQUIRED_TAGS = ["environment", "managed-by", "repository"];

export const providersSetDefaultTags: Rule = {
  id: "EDGE-TAG-1",
  level: Level.ERROR,
  title: "Every aws provider sets the default tags environment, managed-by and repository",
  explanation:
    "Default tags put environment, managed-by and repository on every taggable resource the provider creates " +
    "(https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs#default_tags-configuration-block), which is " +
    "how cost reports and the console tell environments apart and find the repository that owns a resource. Every " +
    "provider block, aliases included, must set them (stacks/edge-stack.ts does).",
  check: (stack) =>
    list<StackJson>(stack.provider?.aws)
      .filter((p) => !REQUIRED_TAGS.every((k) => p.default_tags?.[0]?.tags?.[k]))
      .map((p) => ({ address: `provider.aws${p.alias ? `.${p.alias}` : ""}`, message: `lacks default tags ${REQUIRED_TAGS.join(", ")}` })),
  examples: {
    violating: { provider: { aws: [{ region: "us-east-1", alias: "us_east_1" }] } },
    passing: { provider: { aws: [{ region: "us-east-1", default_tags: [{ tags: { environment: "dev", "managed-by": "cdktf", repository: "o/r" } }] }] } },
  },
};
