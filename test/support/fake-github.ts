/**
 * A local server speaking the part of GitHub's REST API the change recorder uses (https://docs.github.com/en/rest/issues):
 * list a repository's issues (state, labels, per_page, page; pull requests included, as GitHub does), create an issue,
 * list and create an issue's comments. Requests need `Authorization: Bearer <token>`. Scripted failures reproduce
 * GitHub's 5xx and rate-limit answers (403/429 with Retry-After or x-ratelimit-remaining: 0).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: "open" | "closed";
  comments: { id: number; body: string }[];
  pullRequest?: boolean;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: object;
}

export class FakeGitHub {
  readonly issues: FakeIssue[] = [];
  readonly requests: { method: string; path: string; status: number; at: number }[] = [];
  private readonly scripted: { method: string; path: RegExp; answer: ScriptedAnswer; remaining: number }[] = [];
  private server?: Server;
  private nextId = 1;
  url = "";

  constructor(
    readonly owner: string,
    readonly repo: string,
    readonly token: string,
    /** Labels are dropped on creation, as GitHub does for tokens without push access. */
    readonly dropLabels = false,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let data = "";
      req.setEncoding("utf8");
      req.on("data", (c) => (data += c));
      req.on("end", () => this.handle(req, res, data));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` requests with this method and a path matching `path` get `answer`. */
  fail(method: string, path: RegExp, answer: ScriptedAnswer, times = 1): void {
    this.scripted.push({ method, path, answer, remaining: times });
  }

  private handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = new URL(req.url ?? "/", "http://local");
    const method = req.method ?? "GET";
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method, path: url.pathname, status, at: Date.now() });
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-ratelimit-limit": "5000", ...headers });
      res.end(body === undefined ? "" : JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${this.token}`) return send(401, { message: "Bad credentials", status: "401" });
    const s = this.scripted.find((x) => x.remaining > 0 && x.method === method && x.path.test(url.pathname));
    if (s) {
      s.remaining--;
      return send(s.answer.status, s.answer.body ?? { message: `scripted ${s.answer.status}` }, s.answer.headers);
    }
    const base = `/repos/${this.owner}/${this.repo}/issues`;
    const view = (i: FakeIssue) => ({
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      labels: i.labels.map((name) => ({ name })),
      html_url: `https://github.com/${this.owner}/${this.repo}/${i.pullRequest ? "pull" : "issues"}/${i.number}`,
      ...(i.pullRequest ? { pull_request: { url: "..." } } : {}),
    });
    if (url.pathname === base && method === "GET") {
      const state = url.searchParams.get("state") ?? "open";
      const labels = (url.searchParams.get("labels") ?? "").split(",").filter(Boolean);
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      const all = this.issues.filter((i) => (state === "all" || i.state === state) && labels.every((l) => i.labels.includes(l)));
      return send(200, all.slice((page - 1) * perPage, page * perPage).map(view));
    }
    if (url.pathname === base && method === "POST") {
      const input = JSON.parse(raw);
      if (typeof input.title !== "string" || input.title === "") return send(422, { message: "Validation Failed" });
      const issue: FakeIssue = {
        number: this.nextId++,
        title: input.title,
        body: input.body ?? "",
        labels: this.dropLabels ? [] : (input.labels ?? []),
        state: "open",
        comments: [],
      };
      this.issues.push(issue);
      return send(201, view(issue));
    }
    const m = new RegExp(`^${base}/(\\d+)/comments$`).exec(url.pathname);
    const issue = m && this.issues.find((i) => i.number === Number(m[1]));
    if (m && !issue) return send(404, { message: "Not Found" });
    if (issue && method === "GET") {
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      return send(
        200,
        issue.comments
          .slice((page - 1) * perPage, page * perPage)
          .map((c) => ({ id: c.id, body: c.body, html_url: `https://github.com/x#issuecomment-${c.id}` })),
      );
    }
    if (issue && method === "POST") {
      const c = { id: 1000 + this.nextId++, body: JSON.parse(raw).body };
      issue.comments.push(c);
      return send(201, { ...c, html_url: `https://github.com/x#issuecomment-${c.id}` });
    }
    return send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
  }
}
