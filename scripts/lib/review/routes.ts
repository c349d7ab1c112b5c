/**
 * What a viewer's request goes through on a distribution: its cache behaviors in the order CloudFront matches them
 * (ordered behaviors first, the default last), the function on each event with its owner, and the origin. Read from
 * a synthesized stack (`cdk.tf.json`, references resolved to the resources they name) or from a plan's values (ARNs
 * parsed), and drawn as a Mermaid flowchart, which GitHub renders in comments and Markdown files
 * (https://docs.github.com/en/get-started/writing-on-github/working-with-advanced-formatting/creating-diagrams).
 * Pure functions.
 */
import type { Json } from "./changes";

/** Attributes of aws_cloudfront_distribution that decide what a viewer's request goes through. */
export const ROUTING_ATTRIBUTES: readonly string[] = [
  "ordered_cache_behavior",
  "default_cache_behavior",
  "origin",
  "origin_group",
  "continuous_deployment_policy_id",
  "staging",
];

export interface RouteFunction {
  /** `viewer-request`, `viewer-response`, `origin-request`, `origin-response`. */
  event: string;
  /** The function's name, or what is known of it. */
  name: string;
  /** `app` (its team owns the code) or `infra` (the repository does); undefined when the stack is not at hand. */
  owner?: "app" | "infra";
}

export interface Route {
  /** The behavior's path pattern; `*` for the default behavior. */
  pathPattern: string;
  /** The origin it forwards to, described (`S3 bucket dev-shop-web`). */
  origin: string;
  functions: RouteFunction[];
}

export interface DistributionRoutes {
  routes: Route[];
  /** Whether a continuous deployment policy (a staging distribution) is attached. */
  continuousDeployment: boolean;
  /** Whether this is the staging distribution of a continuous deployment. */
  staging?: boolean;
}

const list = (v: unknown): Json[] => (Array.isArray(v) ? v : v && typeof v === "object" ? [v as Json] : []);

/** `${aws_cloudfront_function.x.arn}` -> ["aws_cloudfront_function", "x", "arn"]; also a crafted placeholder ARN. */
function referenceOf(value: unknown): [string, string, string] | undefined {
  if (typeof value !== "string") return undefined;
  // Inside an interpolation, possibly wrapped in functions (`${replace(aws_lambda_function_url.x.function_url, ...)}`).
  const m =
    (value.includes("${") ? /\b(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)/.exec(value) : null) ??
    /::000000000000:([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)$/.exec(value);
  return m ? [m[1], m[2], m[3]] : undefined;
}

/** The marker `functionComment` puts in an app-owned function's comment when the manifest sets none. */
const APP_OWNED_COMMENT = "code owned by the application team";

function ownerOf(resource: Json): "app" | "infra" {
  const ignored = resource.lifecycle?.ignore_changes;
  const list = Array.isArray(ignored) ? ignored : ignored === "all" ? ["all"] : [];
  return list.includes("code") ||
    list.includes("all") ||
    list.includes("image_uri") ||
    (typeof resource.comment === "string" && resource.comment.includes(APP_OWNED_COMMENT))
    ? "app"
    : "infra";
}

/** A function's name and owner from its ARN: a reference, a crafted placeholder, or a real ARN (`...:function/<name>`). */
function functionOf(arn: unknown, stack: Json | undefined): { name: string; owner?: "app" | "infra" } {
  const ref = referenceOf(arn);
  if (ref) {
    const resource = stack?.resource?.[ref[0]]?.[ref[1]];
    const name = resource?.name ?? resource?.function_name;
    if (typeof name === "string" && !name.includes("${")) return { name, owner: ownerOf(resource) };
    return { name: ref[1] };
  }
  if (typeof arn === "string") {
    const m = /:function[:/]([A-Za-z0-9_-]+)/.exec(arn);
    if (m) {
      const byName = Object.values<Json>({ ...(stack?.resource?.aws_cloudfront_function ?? {}), ...(stack?.resource?.aws_lambda_function ?? {}) }).find(
        (r) => r.name === m[1] || r.function_name === m[1],
      );
      return { name: m[1], owner: byName ? ownerOf(byName) : undefined };
    }
  }
  return { name: "(known after apply)" };
}

/** An origin described by what it is: a site bucket, a function URL, or its domain name. */
function originOf(origin: Json | undefined, stack: Json | undefined, depth = 0): string {
  if (!origin) return "(no origin)";
  const domain = origin.domain_name;
  const ref = referenceOf(domain);
  if (ref && depth < 3) {
    const resource = stack?.resource?.[ref[0]]?.[ref[1]];
    if (ref[0] === "aws_s3_bucket") return `S3 bucket ${typeof resource?.bucket === "string" ? resource.bucket : ref[1]}`;
    if (ref[0] === "aws_lambda_function_url" || ref[0] === "aws_lambda_function") {
      const fn = referenceOf(resource?.function_name);
      const target = fn ? stack?.resource?.[fn[0]]?.[fn[1]] : resource;
      return `Lambda function URL ${typeof target?.function_name === "string" ? target.function_name : ref[1]}`;
    }
    return `${ref[0]} ${ref[1]}`;
  }
  if (typeof domain === "string" && domain) {
    const s3 = /^([a-z0-9.-]+)\.s3[.-]/.exec(domain);
    return s3 ? `S3 bucket ${s3[1]}` : domain.replace(/\$\{[^}]*\}/g, "…");
  }
  return String(origin.origin_id ?? "(origin)");
}

/** The routes of one distribution, from its configuration or its planned values. */
export function distributionRoutes(values: Json, stack?: Json): DistributionRoutes {
  const origins = new Map(list(values.origin).map((o) => [o.origin_id, o]));
  const behavior = (b: Json, pathPattern: string): Route => ({
    pathPattern,
    origin: originOf(origins.get(b.target_origin_id), stack) + (origins.has(b.target_origin_id) ? "" : ` (${b.target_origin_id ?? "?"})`),
    functions: [
      ...list(b.function_association).map((f) => ({ event: String(f.event_type), ...functionOf(f.function_arn, stack) })),
      ...list(b.lambda_function_association).map((f) => ({ event: String(f.event_type), ...functionOf(f.lambda_arn, stack) })),
    ].sort((x, y) => EVENTS.indexOf(x.event) - EVENTS.indexOf(y.event)),
  });
  return {
    routes: [
      ...list(values.ordered_cache_behavior).map((b) => behavior(b, String(b.path_pattern))),
      ...list(values.default_cache_behavior).map((b) => behavior(b, "*")),
    ],
    continuousDeployment: typeof values.continuous_deployment_policy_id === "string" && values.continuous_deployment_policy_id !== "",
    staging: values.staging === true,
  };
}

const EVENTS = ["viewer-request", "origin-request", "origin-response", "viewer-response"];

/** Text inside a Mermaid node label: quotes and angle brackets as entities (the label is in double quotes). */
function text(s: string): string {
  return s.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

/** One side's nodes and edges, ids prefixed so two sides fit one chart. */
function sideLines(prefix: string, d: DistributionRoutes): string[] {
  const lines: string[] = [];
  const origins = [...new Set(d.routes.map((r) => r.origin))];
  const viewer = d.staging
    ? "viewer sent to staging by the continuous deployment policy"
    : `viewer${d.continuousDeployment ? "<br/>(continuous deployment: the policy sends some to staging)" : ""}`;
  lines.push(`    ${prefix}v(["${viewer}"])`);
  d.routes.forEach((r, i) => {
    const fns = r.functions.map((f) => `<br/>${text(f.event)}: ${text(f.name)}${f.owner ? ` (${f.owner})` : ""}`).join("");
    lines.push(`    ${prefix}b${i}["${i + 1}. ${text(r.pathPattern)}${fns}"]`);
    lines.push(`    ${prefix}v --> ${prefix}b${i}`);
    lines.push(`    ${prefix}b${i} --> ${prefix}o${origins.indexOf(r.origin)}`);
  });
  origins.forEach((o, i) => lines.push(`    ${prefix}o${i}[("${text(o)}")]`));
  return lines;
}

/** A Mermaid flowchart of one distribution, or of its before and after side by side. */
export function routingDiagram(after: DistributionRoutes | undefined, before?: DistributionRoutes): string {
  const lines = ["```mermaid", "flowchart LR"];
  if (before) {
    lines.push('  subgraph before["before"]', "    direction TB", ...sideLines("B", before), "  end");
    lines.push('  subgraph after["after"]', "    direction TB", ...(after ? sideLines("A", after) : ['    Agone["(deleted)"]']), "  end");
    lines.push("  before ~~~ after");
  } else if (after) lines.push(...sideLines("A", after).map((l) => l.slice(2)));
  lines.push("```");
  return lines.join("\n");
}

/** Every distribution of a synthesized stack with its routes, by logical id (`comment` as the title when set). */
export function stackDistributions(stack: Json): { id: string; title: string; routes: DistributionRoutes }[] {
  return Object.entries<Json>(stack.resource?.aws_cloudfront_distribution ?? {}).map(([id, d]) => ({
    id,
    title: `${typeof d.comment === "string" && d.comment && !d.comment.includes("${") ? d.comment : (d["//"]?.metadata?.path ?? id)}${d.staging === true ? " (staging)" : ""}`,
    routes: distributionRoutes(d, stack),
  }));
}
