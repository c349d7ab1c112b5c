/**
 * Local stand-ins for the two AWS APIs the change recorder calls, for driving the real AWS SDK from the built bundle
 * (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SSM pointing at 127.0.0.1):
 *  - S3 PutObject, path-style (the SDK uses path-style for IP endpoints), with conditional writes: `If-None-Match: *`
 *    on an existing key answers 412 PreconditionFailed, as S3 does; every accepted write is kept as a version;
 *  - SSM GetParameter (AWS JSON 1.1): a SecureString's value only with WithDecryption, ParameterNotFound otherwise.
 * Scripted failures (status + code) let tests break either service.
 */
import { randomUUID, createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

abstract class LocalServer {
  protected server?: Server;
  url = "";
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => this.handle(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
  protected abstract handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void;
}

export interface StoredObject {
  body: string;
  contentType?: string;
  versionId: string;
}

export class FakeS3 extends LocalServer {
  /** Every accepted version of every key, oldest first, by "bucket/key". */
  readonly objects = new Map<string, StoredObject[]>();
  readonly requests: { method: string; path: string; ifNoneMatch?: string; status: number }[] = [];
  private failures: { status: number; code: string; remaining: number }[] = [];

  /** The next `times` requests fail with this status and S3 error code. */
  fail(status: number, code: string, times = 1): void {
    this.failures.push({ status, code, remaining: times });
  }

  /** Current object bodies parsed as JSON, by key (without bucket). */
  records(bucket: string): Record<string, any> {
    return Object.fromEntries(
      [...this.objects].filter(([k]) => k.startsWith(`${bucket}/`)).map(([k, v]) => [k.slice(bucket.length + 1), JSON.parse(v[v.length - 1].body)]),
    );
  }

  protected handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const url = new URL(req.url ?? "/", "http://local");
    const path = decodeURIComponent(url.pathname).replace(/^\//, "");
    const ifNoneMatch = req.headers["if-none-match"] as string | undefined;
    const log = (status: number) => this.requests.push({ method: req.method ?? "", path, ifNoneMatch, status });
    const failure = this.failures.find((f) => f.remaining > 0);
    if (failure) {
      failure.remaining--;
      log(failure.status);
      return this.error(res, failure.status, failure.code, "scripted failure");
    }
    if (req.method !== "PUT" || !path.includes("/")) {
      log(501);
      return this.error(res, 501, "NotImplemented", `${req.method} ${url.pathname} is not part of this fake`);
    }
    const versions = this.objects.get(path) ?? [];
    if (ifNoneMatch !== undefined && ifNoneMatch !== "*") {
      log(501);
      return this.error(res, 501, "NotImplemented", "If-None-Match accepts only *");
    }
    if (ifNoneMatch === "*" && versions.length > 0) {
      log(412);
      return this.error(
        res,
        412,
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        "<Condition>If-None-Match</Condition>",
      );
    }
    const versionId = randomUUID().replace(/-/g, "");
    versions.push({ body: body.toString("utf8"), contentType: req.headers["content-type"], versionId });
    this.objects.set(path, versions);
    log(200);
    res.writeHead(200, { etag: `"${createHash("md5").update(body).digest("hex")}"`, "x-amz-version-id": versionId, "x-amz-request-id": randomUUID() });
    res.end();
  }

  private error(res: ServerResponse, status: number, code: string, message: string, extra = ""): void {
    res.writeHead(status, { "content-type": "application/xml", "x-amz-request-id": randomUUID() });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>${randomUUID()}</RequestId></Error>`,
    );
  }
}

export class FakeSsm extends LocalServer {
  readonly parameters = new Map<string, { type: "String" | "SecureString"; value: string }>();
  readonly requests: { target: string; name?: string; withDecryption?: boolean }[] = [];

  protected handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const target = String(req.headers["x-amz-target"] ?? "");
    const input = body.length > 0 ? JSON.parse(body.toString("utf8")) : {};
    this.requests.push({ target, name: input.Name, withDecryption: input.WithDecryption });
    const reply = (status: number, data: object) => {
      res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() });
      res.end(JSON.stringify(data));
    };
    if (target !== "AmazonSSM.GetParameter") return reply(400, { __type: "UnknownOperationException", message: `${target} is not part of this fake` });
    const p = this.parameters.get(input.Name);
    if (!p) return reply(400, { __type: "ParameterNotFound", message: `Parameter ${input.Name} not found.` });
    const value = p.type === "SecureString" && !input.WithDecryption ? Buffer.from(`kms-ciphertext:${p.value}`).toString("base64") : p.value;
    return reply(200, {
      Parameter: {
        Name: input.Name,
        Type: p.type,
        Value: value,
        Version: 1,
        LastModifiedDate: 1764547200,
        ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${input.Name}`,
        DataType: "text",
      },
    });
  }
}
