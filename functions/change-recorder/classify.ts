/**
 * Decides what a recorded change means. Every event is recorded; only MANUAL raises (or adds to) a GitHub issue.
 *
 * Order matters: a failed call changed nothing whoever made it; a resource outside this project's scope is noise
 * whoever touched it; then who made the change decides.
 */
import type { AppOwnedContainerFunction, RecorderConfig } from "./config";
import type { ChangeRecord } from "./normalize";

export enum ChangeKind {
  /** This project's automation: the deploy role(s), the invalidators, Configure/Promote, the pipelines. */
  AUTOMATION = "automation",
  /** UpdateDistributionWithStagingConfig: a promotion, designed for (the primary ignores what it changes). */
  PROMOTION = "promotion",
  /** An application team changed code it owns (an app-owned CloudFront Function or container image), through its own role. */
  APP_TEAM = "app-team",
  /** The call failed or changes nothing (TestFunction, read-only calls): nothing to explain. */
  NO_CHANGE = "no-change",
  /** A resource this project does not manage (another team's distribution, a scratch function). */
  UNWATCHED = "unwatched",
  /** Everything else: someone changed by hand what this project manages. Raises an issue. */
  MANUAL = "manual",
}

export interface Classification {
  kind: ChangeKind;
  /** One sentence saying why, kept in the record and the logs. */
  reason: string;
}

/** Calls that change nothing although the rule matches them. */
const NO_CHANGE_OPERATIONS = new Set(["TestFunction", "DescribeFunction", "GetFunction"]);
/** What an application team may do to its own functions (modules/access/app-team-policy.ts allows exactly these writes). */
const APP_TEAM_OPERATIONS = new Set(["UpdateFunction", "PublishFunction", "TestFunction"]);
/** How an application team ships its own container function: push the image, write its tag, point the function at it. */
const CONTAINER_SHIPPING_OPERATIONS: Partial<Record<string, string>> = {
  "lambda-function": "UpdateFunctionCode",
  "ecr-repository": "PutImage",
  "ssm-parameter": "PutParameter",
};

export function classify(record: ChangeRecord, config: RecorderConfig): Classification {
  if (record.errorCode) return { kind: ChangeKind.NO_CHANGE, reason: `the call failed (${record.errorCode}): nothing changed` };
  if (record.readOnly || NO_CHANGE_OPERATIONS.has(record.operation))
    return { kind: ChangeKind.NO_CHANGE, reason: `${record.operation} changes no configuration` };
  if (!isWatched(record, config)) return { kind: ChangeKind.UNWATCHED, reason: `${record.resource.type} ${record.resource.id} is not managed by this project` };
  const principals = principalsOf(record);
  if (principals.some((p) => matchesAny(p, config.automationPrincipals)))
    return { kind: ChangeKind.AUTOMATION, reason: `made by this project's automation (${principals[0]})` };
  if (record.operation === "UpdateDistributionWithStagingConfig")
    return { kind: ChangeKind.PROMOTION, reason: `promotion of staging distribution ${record.resource.stagingDistributionId ?? "?"} to ${record.resource.id}` };
  if (
    record.resource.type === "function" &&
    APP_TEAM_OPERATIONS.has(record.operation) &&
    config.appOwnedFunctions.includes(record.resource.id) &&
    principals.some((p) => matchesAny(p, config.appTeamPrincipals))
  )
    return { kind: ChangeKind.APP_TEAM, reason: `the application team changed its own function ${record.resource.id}` };
  const container = appOwnedContainerOf(record, config);
  if (container && CONTAINER_SHIPPING_OPERATIONS[record.resource.type] === record.operation && principals.some((p) => matchesAny(p, container.teamPrincipals)))
    return { kind: ChangeKind.APP_TEAM, reason: `the application team shipped its own container function ${container.function} (${record.operation})` };
  return { kind: ChangeKind.MANUAL, reason: `${record.operation} by ${principals[0] ?? record.actor.type} outside this project's automation` };
}

/** The app-owned container function whose function, repository or image-tag parameter the record is about. */
export function appOwnedContainerOf(record: ChangeRecord, config: RecorderConfig): AppOwnedContainerFunction | undefined {
  const field = ({ "lambda-function": "function", "ecr-repository": "repository", "ssm-parameter": "parameter" } as const)[record.resource.type as string];
  return field ? config.appOwnedContainerFunctions.find((c) => c[field] === record.resource.id) : undefined;
}

/** Whether the application team owns what the record changed: an app-owned CloudFront Function or container function. */
export function isAppOwned(record: ChangeRecord, config: RecorderConfig): boolean {
  return (record.resource.type === "function" && config.appOwnedFunctions.includes(record.resource.id)) || appOwnedContainerOf(record, config) !== undefined;
}

/** The ARNs that identify the caller: for role sessions the role (session issuer) first, then the session. */
function principalsOf(record: ChangeRecord): string[] {
  return [record.actor.sessionIssuer, record.actor.principalArn].filter((p): p is string => typeof p === "string" && p !== "");
}

/** Exact match, or a pattern whose `*` matches any run of characters. */
export function matchesAny(arn: string, patterns: string[]): boolean {
  return patterns.some((p) => (p.includes("*") ? new RegExp(`^${p.split("*").map(escapeRegExp).join(".*")}$`).test(arn) : p === arn));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether the resource is one this project manages; a missing watch list means every resource of that kind. */
export function isWatched(record: ChangeRecord, config: RecorderConfig): boolean {
  const w = config.watch;
  const { type, id } = record.resource;
  const inList = (list: string[] | undefined) => list === undefined || list.includes(id);
  const byPrefix = (list: string[] | undefined, name: string) => list === undefined || list.some((p) => name.startsWith(p));
  switch (type) {
    case "distribution":
      return (
        inList(w.distributionIds) ||
        (record.resource.stagingDistributionId !== undefined && (w.distributionIds ?? []).includes(record.resource.stagingDistributionId))
      );
    case "function":
      return byPrefix(w.functionPrefixes, id);
    case "continuous-deployment-policy":
      return inList(w.continuousDeploymentPolicyIds);
    case "key-value-store":
      return byPrefix(w.keyValueStorePrefixes, id.replace(/^arn:aws:cloudfront::\d+:key-value-store\//, ""));
    case "bucket":
      return inList(w.buckets);
    case "role":
      return byPrefix(w.iamNamePrefixes, id);
    case "policy":
      return byPrefix(w.iamNamePrefixes, id.replace(/^arn:aws:iam::\d+:policy\/(.*\/)?/, ""));
    case "lambda-function":
      return byPrefix(w.lambdaFunctionPrefixes, id);
    case "ecr-repository":
      return byPrefix(w.repositoryPrefixes, id);
    case "ssm-parameter":
      return inList(w.parameterNames);
    case "hosted-zone":
      return inList(w.hostedZoneIds);
    case "api":
      return inList(w.apiIds);
    default:
      // An operation the rule matched but the recorder cannot place: raise it rather than drop it silently.
      return true;
  }
}
