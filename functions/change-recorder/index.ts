/**
 * CloudTrail management event -> EventBridge -> this function (modules/observability/change-recorder.ts):
 *   1. normalize the event into a change record (normalize.ts);
 *   2. classify it (classify.ts): automation, promotion, app team, no change, unwatched, or manual;
 *   3. write the record to the versioned bucket with If-None-Match: * (store.ts): a redelivered event finds its record;
 *   4. for a manual change only: find the resource's open issue (hidden marker + label) and comment on it, or open one.
 *
 * Record first, then issue: when GitHub fails (after the retries in github.ts) the invocation fails, Lambda retries
 * it, the record is not written again (412) and the issue step runs again; it skips what it already posted (the
 * event's marker in the issue or a comment). After Lambda's retries the event waits in the dead-letter queue.
 *
 * Logs are objects passed to console.*: with the function's JSON log format they are queryable fields.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { SSMClient } from "@aws-sdk/client-ssm";
import { ChangeKind, classify, isAppOwned } from "./classify";
import { parseConfig, type RecorderConfig } from "./config";
import { GitHub, GitHubError } from "./github";
import { commentBody, eventMarker, issueBody, issueTitle, resourceMarker } from "./issue";
import { normalize, resourceKey, type ChangeRecord } from "./normalize";
import { recordKey, storeRecord, type StoreOutcome } from "./store";
import { forgetToken, githubToken } from "./token";

// Created once per execution environment; region and endpoints come from the SDK's standard configuration
// (AWS_REGION, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SSM).
const s3 = new S3Client({});
const ssm = new SSMClient({});

export interface RecorderResult {
  eventId: string;
  key: string;
  stored: StoreOutcome;
  kind: ChangeKind;
  /** What happened on GitHub. */
  issue: "none" | "created" | "commented" | "already-posted";
  issueNumber?: number;
  issueUrl?: string;
}

export async function handler(event: unknown): Promise<RecorderResult> {
  // A broken configuration or an unreadable event fails the invocation: retried, then kept in the dead-letter queue.
  const config = parseConfig(process.env.RECORDER_CONFIG);
  let record: ChangeRecord;
  try {
    record = normalize(event);
  } catch (err) {
    log("error", {
      msg: "unreadable event; it will end in the dead-letter queue",
      error: (err as Error).message,
      eventBridgeId: (event as { id?: string })?.id,
    });
    throw err;
  }
  const classification = classify(record, config);
  const key = recordKey(config.prefix, record);
  const base = {
    eventId: record.eventId,
    operation: record.operation,
    resource: record.resource,
    principal: record.actor.sessionIssuer ?? record.actor.principalArn,
    kind: classification.kind,
  };

  const stored = await storeRecord(s3, config.bucket, key, { ...record, classification });
  log("info", { msg: stored === "written" ? "change recorded" : "change already recorded (redelivery)", ...base, key, reason: classification.reason });
  const result: RecorderResult = { eventId: record.eventId, key, stored, kind: classification.kind, issue: "none" };
  if (classification.kind !== ChangeKind.MANUAL) return result;

  try {
    return { ...result, ...(await raise(config, record, key, stored)) };
  } catch (err) {
    if (err instanceof GitHubError && err.status === 401) forgetToken();
    log("error", {
      msg: "GitHub issue not raised; the invocation fails and is retried (the record is kept)",
      ...base,
      key,
      error: (err as Error).message,
      httpStatus: (err as GitHubError).status,
    });
    throw err;
  }
}

async function raise(config: RecorderConfig, record: ChangeRecord, key: string, stored: StoreOutcome): Promise<Partial<RecorderResult>> {
  const token = await githubToken(ssm, config.tokenParameter);
  const github = new GitHub({
    apiUrl: config.githubApiUrl,
    owner: config.owner,
    repo: config.repo,
    token,
    maxAttempts: config.maxAttempts,
    maxRetryWaitSeconds: config.maxRetryWaitSeconds,
    retryBaseMs: config.retryBaseMs,
    onRetry: (info) => log("warn", { msg: "GitHub call retried", eventId: record.eventId, ...info }),
  });
  const recordUri = `s3://${config.bucket}/${key}`;
  const appOwned = isAppOwned(record, config);
  const marker = eventMarker(record.eventId);
  const existing = await github.findOpenIssue(config.label, resourceMarker(resourceKey(record)));
  if (existing) {
    // Only a redelivery can have posted this event before: the record is written before any GitHub call.
    const posted =
      stored === "already-recorded" &&
      ((existing.body ?? "").includes(marker) || (await github.comments(existing.number)).some((c) => (c.body ?? "").includes(marker)));
    if (posted) {
      log("info", { msg: "issue already reports this change", eventId: record.eventId, issueNumber: existing.number });
      return { issue: "already-posted", issueNumber: existing.number, issueUrl: existing.html_url };
    }
    const comment = await github.comment(existing.number, commentBody(record, recordUri, appOwned));
    log("info", { msg: "change added to the resource's open issue", eventId: record.eventId, issueNumber: existing.number, commentUrl: comment.html_url });
    return { issue: "commented", issueNumber: existing.number, issueUrl: existing.html_url };
  }
  const issue = await github.createIssue(issueTitle(record, config.environment), issueBody(record, resourceKey(record), recordUri, appOwned), [config.label]);
  const labelled = (issue.labels ?? []).some((l) => (typeof l === "string" ? l : l.name) === config.label);
  if (!labelled)
    // GitHub drops labels silently for tokens without push access; the next change would then open a second issue.
    log("warn", { msg: `issue created without the label "${config.label}": give the token permission to label issues`, issueNumber: issue.number });
  log("info", { msg: "issue opened", eventId: record.eventId, issueNumber: issue.number, issueUrl: issue.html_url });
  return { issue: "created", issueNumber: issue.number, issueUrl: issue.html_url };
}

function log(level: "info" | "warn" | "error", fields: Record<string, unknown>): void {
  console[level](fields);
}
