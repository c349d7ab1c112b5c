/**
 * A local HTTP server speaking CloudFront's invalidation REST/XML API (2020-05-31: CreateInvalidation,
 * ListInvalidations, GetInvalidation), for driving the real AWS SDK (AWS_ENDPOINT_URL_CLOUDFRONT=<url>) without AWS.
 * It keeps what the invalidator relies on:
 *  - same CallerReference + same paths returns the existing invalidation; other paths -> InvalidationBatchAlreadyExists;
 *  - per distribution at most 15 wildcard paths (any path containing "*") and 3,000 paths in progress ->
 *    TooManyInvalidationsInProgress;
 *  - ListInvalidations newest first, as the API reference says, with Marker/MaxItems paging;
 *  - scripted failures per distribution (Throttling, 503, ...), in CloudFront's error XML.
 * Invalidations stay InProgress until `completeAll()`, or, with `completesAfterSeconds`, until that much time on
 * the server's clock (`now`, seconds since 2025-01-01T00:00:00Z, the test events' timestamps) has passed.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/";
export const WILDCARD_QUOTA = 15;
export const PATH_QUOTA = 3000;
/** The server clock's zero: 2025-01-01T00:00:00Z, the SentTimestamp of the test events (test/support/s3-events.ts). */
export const CLOCK_ZERO_MS = Date.parse("2025-01-01T00:00:00Z");
const isWildcard = (p: string) => p.includes("*");

export interface FakeInvalidation {
  id: string;
  distributionId: string;
  callerReference: string;
  paths: string[];
  status: "InProgress" | "Completed";
  /** Server clock (seconds) at creation. */
  createdAt?: number;
}

/** A scripted answer instead of the normal one. */
export interface ScriptedFailure {
  status: number;
  code: string;
  message?: string;
}

export interface RequestLog {
  distributionId: string;
  callerReference: string;
  paths: string[];
  /** HTTP status returned. */
  status: number;
  /** Error code returned, if any. */
  code?: string;
}

/** Read requests (ListInvalidations, GetInvalidation), counted separately from creations. */
export interface ReadLog {
  action: "ListInvalidations" | "GetInvalidation";
  distributionId: string;
}

export class FakeCloudFront {
  readonly invalidations: FakeInvalidation[] = [];
  readonly requests: RequestLog[] = [];
  readonly reads: ReadLog[] = [];
  private readonly scripted = new Map<string, { failure: ScriptedFailure; remaining: number }[]>();
  private server?: Server;
  private nextId = 1;
  url = "";

  constructor(private readonly opts: { now?: () => number; completesAfterSeconds?: number } = {}) {}

  /** Whether the invalidation still counts against the quotas. */
  inProgress(inv: FakeInvalidation): boolean {
    if (inv.status === "Completed") return false;
    const { now, completesAfterSeconds } = this.opts;
    return completesAfterSeconds === undefined || !now || now() - (inv.createdAt ?? 0) < completesAfterSeconds;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` requests for the distribution get this failure (Infinity: until cleared). */
  fail(distributionId: string, failure: ScriptedFailure, times = Infinity): void {
    const list = this.scripted.get(distributionId) ?? [];
    list.push({ failure, remaining: times });
    this.scripted.set(distributionId, list);
  }

  clearFailures(): void {
    this.scripted.clear();
  }

  /** Forgets every invalidation, request and scripted failure (the server keeps its address). */
  reset(): void {
    this.invalidations.length = 0;
    this.requests.length = 0;
    this.reads.length = 0;
    this.scripted.clear();
  }

  /** Every in-progress invalidation completes (frees the quotas). */
  completeAll(): void {
    for (const inv of this.invalidations) inv.status = "Completed";
  }

  /** Paths and wildcard paths in progress on a distribution now. */
  usage(distributionId: string): { paths: number; wildcards: number } {
    const paths = this.invalidations.filter((i) => i.distributionId === distributionId && this.inProgress(i)).flatMap((i) => i.paths);
    return { paths: paths.length, wildcards: paths.filter(isWildcard).length };
  }

  /** Paths billed so far: every path of every invalidation created ("/*" counts as one). */
  billedPaths(): number {
    return this.invalidations.reduce((n, inv) => n + inv.paths.length, 0);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await new Promise<string>((resolve) => {
      let data = "";
      req.setEncoding("utf8");
      req.on("data", (c) => (data += c));
      req.on("end", () => resolve(data));
    });
    const url = new URL(req.url ?? "/", "http://fake");
    const read = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation(?:\/([^/]+))?$/.exec(url.pathname);
    if (req.method === "GET" && read) return this.read(res, decodeURIComponent(read[1]), read[2] && decodeURIComponent(read[2]), url.searchParams);
    const match = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation$/.exec(url.pathname);
    if (req.method !== "POST" || !match) return this.error(res, 404, "NotImplemented", `${req.method} ${req.url} is not part of this fake`);
    const distributionId = decodeURIComponent(match[1]);
    const callerReference = xmlText(body, "CallerReference")[0] ?? "";
    const paths = xmlText(body, "Path");
    const log = (status: number, code?: string) => this.requests.push({ distributionId, callerReference, paths, status, code });

    const scripted = this.scripted.get(distributionId)?.find((s) => s.remaining > 0);
    if (scripted) {
      scripted.remaining--;
      log(scripted.failure.status, scripted.failure.code);
      return this.error(res, scripted.failure.status, scripted.failure.code, scripted.failure.message ?? scripted.failure.code);
    }
    const existing = this.invalidations.find((i) => i.distributionId === distributionId && i.callerReference === callerReference);
    if (existing) {
      if (existing.paths.join("\n") !== paths.join("\n")) {
        log(409, "InvalidationBatchAlreadyExists");
        return this.error(res, 409, "InvalidationBatchAlreadyExists", "A different invalidation batch with this caller reference exists.");
      }
      log(201);
      return this.created(res, existing);
    }
    const inProgress = this.invalidations.filter((i) => i.distributionId === distributionId && this.inProgress(i));
    const wildcards = inProgress.flatMap((i) => i.paths).filter(isWildcard).length + paths.filter(isWildcard).length;
    const total = inProgress.reduce((n, i) => n + i.paths.length, 0) + paths.length;
    if (wildcards > WILDCARD_QUOTA || total > PATH_QUOTA) {
      log(400, "TooManyInvalidationsInProgress");
      return this.error(
        res,
        400,
        "TooManyInvalidationsInProgress",
        "Processing your request will cause you to exceed the maximum number of in-progress invalidations.",
      );
    }
    const inv: FakeInvalidation = {
      id: `I${String(this.nextId++).padStart(13, "0")}`,
      distributionId,
      callerReference,
      paths,
      status: "InProgress",
      createdAt: this.opts.now?.() ?? 0,
    };
    this.invalidations.push(inv);
    log(201);
    return this.created(res, inv);
  }

  private status(inv: FakeInvalidation): "InProgress" | "Completed" {
    return this.inProgress(inv) ? "InProgress" : "Completed";
  }

  private createTime(inv: FakeInvalidation): string {
    return new Date(CLOCK_ZERO_MS + (inv.createdAt ?? 0) * 1000).toISOString();
  }

  private invalidationXml(inv: FakeInvalidation): string {
    const items = inv.paths.map((p) => `<Path>${xmlEscape(p)}</Path>`).join("");
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n<Invalidation xmlns="${NS}"><Id>${inv.id}</Id><Status>${this.status(inv)}</Status>` +
      `<CreateTime>${this.createTime(inv)}</CreateTime><InvalidationBatch><Paths><Quantity>${inv.paths.length}</Quantity>` +
      `<Items>${items}</Items></Paths><CallerReference>${xmlEscape(inv.callerReference)}</CallerReference></InvalidationBatch></Invalidation>`
    );
  }

  /** ListInvalidations (newest first, Marker = id of the last item of the previous page) and GetInvalidation. */
  private read(res: ServerResponse, distributionId: string, id: string | undefined, query: URLSearchParams): void {
    const mine = this.invalidations.filter((i) => i.distributionId === distributionId);
    if (id !== undefined) {
      this.reads.push({ action: "GetInvalidation", distributionId });
      const inv = mine.find((i) => i.id === id);
      if (!inv) return this.error(res, 404, "NoSuchInvalidation", `The specified invalidation does not exist: ${id}`);
      res.writeHead(200, { "content-type": "text/xml", "x-amz-request-id": randomUUID() });
      return void res.end(this.invalidationXml(inv));
    }
    this.reads.push({ action: "ListInvalidations", distributionId });
    const newestFirst = [...mine].reverse();
    const marker = query.get("Marker");
    const start = marker ? newestFirst.findIndex((i) => i.id === marker) + 1 : 0;
    const maxItems = Number(query.get("MaxItems") ?? 100);
    const page = newestFirst.slice(start, start + maxItems);
    const truncated = start + maxItems < newestFirst.length;
    const items = page
      .map((i) => `<InvalidationSummary><Id>${i.id}</Id><CreateTime>${this.createTime(i)}</CreateTime><Status>${this.status(i)}</Status></InvalidationSummary>`)
      .join("");
    res.writeHead(200, { "content-type": "text/xml", "x-amz-request-id": randomUUID() });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<InvalidationList xmlns="${NS}"><Marker>${marker ?? ""}</Marker>` +
        (truncated ? `<NextMarker>${page[page.length - 1].id}</NextMarker>` : "") +
        `<MaxItems>${maxItems}</MaxItems><IsTruncated>${truncated}</IsTruncated><Quantity>${page.length}</Quantity>` +
        (page.length ? `<Items>${items}</Items>` : "") +
        `</InvalidationList>`,
    );
  }

  private created(res: ServerResponse, inv: FakeInvalidation): void {
    const xml = this.invalidationXml(inv);
    res.writeHead(201, {
      "content-type": "text/xml",
      location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${inv.distributionId}/invalidation/${inv.id}`,
      "x-amz-request-id": randomUUID(),
    });
    res.end(xml);
  }

  private error(res: ServerResponse, status: number, code: string, message: string): void {
    const type = status >= 500 ? "Receiver" : "Sender";
    res.writeHead(status, { "content-type": "text/xml", "x-amz-request-id": randomUUID() });
    res.end(
      `<?xml version="1.0"?>\n<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    );
  }
}

function xmlText(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => xmlUnescape(m[1]));
}

function xmlUnescape(s: string): string {
  return s
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
