/**
 * Turns an "AWS API Call via CloudTrail" EventBridge event into a normalized change record.
 *
 * CloudTrail's record (the event's `detail`) is documented in the CloudTrail user guide, "CloudTrail record contents"
 * and "CloudTrail userIdentity element" (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
 * CloudFront logs its operations with the API version appended (`UpdateDistribution2020_05_31`); the record keeps
 * the name as logged (`eventName`) and the operation without the suffix (`operation`).
 */
import { createHash } from "node:crypto";

/** The kinds of resource the recorder tells apart. */
/** Calls that read (CloudTrail's readOnly field when a record lacks it): Get*, List*, Describe*, Head*. */
const READ_ONLY_NAME = /^(Get|List|Describe|Head)[A-Z]/;

export type ResourceType =
  | "distribution"
  | "function"
  | "continuous-deployment-policy"
  | "key-value-store"
  | "bucket"
  | "role"
  | "policy"
  | "lambda-function"
  | "ecr-repository"
  | "ssm-parameter"
  | "hosted-zone"
  | "api"
  | "unknown";

export interface ResourceRef {
  type: ResourceType;
  /**
   * Distribution id, function name, policy id, key value store name, bucket name, role name or policy ARN, Lambda
   * function name, repository name, parameter name, hosted zone id or API id.
   */
  id: string;
  /** For promotions: the staging distribution whose configuration was copied. */
  stagingDistributionId?: string;
}

export interface Actor {
  /** CloudTrail userIdentity.type: Root, IAMUser, AssumedRole, AWSService, ... */
  type: string;
  /** The caller's ARN (an assumed-role session ARN for roles). */
  principalArn?: string;
  accountId?: string;
  /** For role sessions: the role that was assumed (the session issuer). */
  sessionIssuer?: string;
  /** For role sessions: the session name (an IAM Identity Center user's name for single sign-on sessions). */
  sessionName?: string;
  /** Who signed in through IAM Identity Center, where CloudTrail says so. */
  ssoUser?: string;
  /** The IAM Identity Center permission set behind an AWSReservedSSO_* role. */
  permissionSet?: string;
  /** Source identity set on the session, if any. */
  sourceIdentity?: string;
  userName?: string;
  accessKeyId?: string;
  /** "true" when the credentials came from the console. */
  console: boolean;
  mfa?: boolean;
  sourceIp?: string;
  userAgent?: string;
  /** The AWS service that made the call on the caller's behalf, if any. */
  invokedBy?: string;
}

export interface ChangeRecord {
  schemaVersion: 1;
  /** CloudTrail's event id: identical on every delivery of the same call. */
  eventId: string;
  eventTime: string;
  /** Region CloudTrail logged the call in (us-east-1 for CloudFront and IAM). */
  region: string;
  account: string;
  /** "cloudfront", "s3", "iam", "cloudfront-keyvaluestore", "lambda", "ecr", "ssm", "route53", "apigateway". */
  service: string;
  eventSource: string;
  /** As logged, e.g. UpdateDistribution2020_05_31. */
  eventName: string;
  /** Without the API-version suffix, e.g. UpdateDistribution. */
  operation: string;
  resource: ResourceRef;
  actor: Actor;
  /** Request parameters, with function code replaced by its size and SHA-256. */
  requestParameters: unknown;
  /** Set when the call failed: nothing changed. */
  errorCode?: string;
  errorMessage?: string;
  readOnly: boolean;
}

export class UnreadableEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnreadableEventError";
  }
}

/**
 * `UpdateDistribution2020_05_31` -> `UpdateDistribution`, `UpdateFunctionCode20150331v2` -> `UpdateFunctionCode`
 * (CloudFront's and Lambda's API versions); names without a suffix stay as they are.
 */
export function stripApiVersion(eventName: string): string {
  return eventName.replace(/(\d{4}_\d{2}_\d{2}|\d{8}(v\d+)?)$/, "");
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudTrail records are untrusted JSON, read field by field with checks
type Json = Record<string, any>;

export function normalize(event: unknown): ChangeRecord {
  const e = event as Json;
  const d = e?.detail as Json | undefined;
  if (!d || typeof d !== "object") throw new UnreadableEventError("event has no detail: not an EventBridge event from CloudTrail");
  if (typeof d.eventID !== "string" || typeof d.eventName !== "string" || typeof d.eventSource !== "string")
    throw new UnreadableEventError("detail lacks eventID, eventName or eventSource: not a CloudTrail record");
  const operation = stripApiVersion(d.eventName);
  const service = d.eventSource.replace(/\.amazonaws\.com$/, "");
  const record: ChangeRecord = {
    schemaVersion: 1,
    eventId: d.eventID,
    eventTime: typeof d.eventTime === "string" ? d.eventTime : String(e.time ?? ""),
    region: d.awsRegion ?? e.region ?? "",
    account: d.recipientAccountId ?? e.account ?? d.userIdentity?.accountId ?? "",
    service,
    eventSource: d.eventSource,
    eventName: d.eventName,
    operation,
    resource: resourceOf(service, operation, d.requestParameters ?? {}, d.responseElements ?? {}),
    actor: actorOf(d),
    requestParameters: withoutCode(d.requestParameters ?? null),
    // Records without the field (EventBridge copies, some services) are read-only by their name.
    readOnly: typeof d.readOnly === "boolean" ? d.readOnly : READ_ONLY_NAME.test(String(d.eventName ?? "")),
  };
  if (d.errorCode) {
    record.errorCode = String(d.errorCode);
    if (d.errorMessage) record.errorMessage = String(d.errorMessage);
  }
  return record;
}

/** Which resource the call was about, from the request (or, for creations, the response). */
export function resourceOf(service: string, operation: string, req: Json, res: Json): ResourceRef {
  const first = (...values: unknown[]) => values.find((v): v is string => typeof v === "string" && v !== "");
  if (service === "cloudfront") {
    if (/Distribution|Invalidation|Alias/.test(operation)) {
      if (operation === "UpdateDistributionWithStagingConfig")
        return { type: "distribution", id: first(req.id) ?? "unknown", stagingDistributionId: first(req.stagingDistributionId) };
      const id = first(req.id, req.distributionId, req.targetDistributionId, res?.distribution?.id, req.primaryDistributionId);
      return { type: "distribution", id: id ?? "unknown" };
    }
    if (/Function/.test(operation)) return { type: "function", id: first(req.name, res?.functionSummary?.name) ?? "unknown" };
    if (/ContinuousDeploymentPolicy/.test(operation))
      return { type: "continuous-deployment-policy", id: first(req.id, res?.continuousDeploymentPolicy?.id) ?? "unknown" };
    if (/KeyValueStore/.test(operation)) return { type: "key-value-store", id: first(req.name, res?.keyValueStore?.name) ?? "unknown" };
  }
  if (service === "cloudfront-keyvaluestore") {
    // kvsARN = arn:aws:cloudfront::<account>:key-value-store/<id>; the name is not in the request.
    return { type: "key-value-store", id: first(req.kvsARN, req.kvsArn) ?? "unknown" };
  }
  if (service === "s3") return { type: "bucket", id: first(req.bucketName) ?? "unknown" };
  if (service === "lambda") {
    // By name, or by ARN arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>].
    const fn = first(req.functionName, res?.functionName);
    return { type: "lambda-function", id: fn ? (/:function:([^:]+)/.exec(fn)?.[1] ?? fn) : "unknown" };
  }
  if (service === "ecr") return { type: "ecr-repository", id: first(req.repositoryName, res?.repository?.repositoryName) ?? "unknown" };
  if (service === "ssm") return { type: "ssm-parameter", id: first(req.name, ...(Array.isArray(req.names) ? req.names : [])) ?? "unknown" };
  if (service === "route53") return { type: "hosted-zone", id: (first(req.hostedZoneId, req.id) ?? "unknown").replace(/^\/?hostedzone\//, "") };
  if (service === "apigateway") return { type: "api", id: first(req.restApiId, req.apiId, res?.id, res?.apiId) ?? "unknown" };
  if (service === "iam") {
    const role = first(req.roleName);
    if (role) return { type: "role", id: role };
    const policyArn = first(req.policyArn, res?.policy?.arn);
    if (policyArn) return { type: "policy", id: policyArn };
    const policyName = first(req.policyName);
    if (policyName) return { type: "policy", id: policyName };
  }
  return { type: "unknown", id: "unknown" };
}

function actorOf(d: Json): Actor {
  const u = (d.userIdentity ?? {}) as Json;
  const issuer = u.sessionContext?.sessionIssuer as Json | undefined;
  const actor: Actor = {
    type: String(u.type ?? "Unknown"),
    principalArn: u.arn,
    accountId: u.accountId,
    console: d.sessionCredentialFromConsole === "true" || d.sessionCredentialFromConsole === true,
    sourceIp: d.sourceIPAddress,
    userAgent: d.userAgent,
  };
  if (u.userName) actor.userName = u.userName;
  if (u.accessKeyId) actor.accessKeyId = u.accessKeyId;
  if (u.invokedBy) actor.invokedBy = u.invokedBy;
  const mfa = u.sessionContext?.attributes?.mfaAuthenticated;
  if (mfa !== undefined) actor.mfa = mfa === "true" || mfa === true;
  if (u.sessionContext?.sourceIdentity) actor.sourceIdentity = u.sessionContext.sourceIdentity;
  if (issuer?.arn) {
    actor.sessionIssuer = issuer.arn;
    if (typeof u.arn === "string" && u.arn.includes(":assumed-role/")) actor.sessionName = u.arn.split("/").slice(2).join("/");
    // Roles IAM Identity Center creates are named AWSReservedSSO_<PermissionSet>_<hex>; their session name is the
    // user's name in Identity Center.
    const sso = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/.exec(String(issuer.userName ?? ""));
    if (sso) {
      actor.permissionSet = sso[1];
      actor.ssoUser = actor.sessionName;
    }
  }
  // Identity-enhanced sessions name the Identity Center user directly.
  if (u.onBehalfOf?.userId) actor.ssoUser = actor.ssoUser ?? u.onBehalfOf.userId;
  return actor;
}

/** CloudFront Function code (base64 or text) becomes { bytes, sha256 }: records stay small and hold no code. */
export function withoutCode(value: unknown, key = ""): unknown {
  if (/^functionCode$/i.test(key) && typeof value === "string") {
    if (/^HIDDEN_DUE_TO_SECURITY_REASONS$/.test(value)) return value;
    const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0 ? Buffer.from(value, "base64") : Buffer.from(value, "utf8");
    return { bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
  }
  if (Array.isArray(value)) return value.map((v) => withoutCode(v));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutCode(v, k)]));
  return value;
}

/** One stable key per resource and account: the marker that finds the resource's open issue. */
export function resourceKey(r: ChangeRecord): string {
  return `${r.account}/${r.resource.type}/${r.resource.id}`;
}
