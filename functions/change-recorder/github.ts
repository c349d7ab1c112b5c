/**
 * The three GitHub REST endpoints the recorder needs (list issues by label, create an issue, list/create comments),
 * with plain fetch. Retries 5xx, network errors and rate limits (429, and 403 with x-ratelimit-remaining: 0 or
 * Retry-After), waiting as GitHub asks: Retry-After seconds, else until x-ratelimit-reset, else exponential backoff
 * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api). A wait longer than
 * maxRetryWaitSeconds is not waited for: the call fails, the invocation fails, and Lambda retries it later.
 */

export interface GitHubOptions {
  apiUrl: string;
  owner: string;
  repo: string;
  token: string;
  maxAttempts: number;
  maxRetryWaitSeconds: number;
  /** First backoff wait when GitHub names none. */
  retryBaseMs: number;
  /** Called before each wait (for logs). */
  onRetry?: (info: { method: string; path: string; status?: number; attempt: number; waitMs: number; reason: string }) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface Issue {
  number: number;
  html_url: string;
  body?: string | null;
  title: string;
  labels?: (string | { name?: string })[];
  pull_request?: unknown;
}

export interface Comment {
  id: number;
  html_url: string;
  body?: string | null;
}

export class GitHubError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "GitHubError";
  }
}

const PAGE = 100;
/** Open recorder issues are few; stop paging somewhere sane. */
const MAX_PAGES = 20;

export class GitHub {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly o: GitHubOptions) {
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = o.now ?? Date.now;
  }

  /** The first open issue (not pull request) with `label` whose body contains `marker`. */
  async findOpenIssue(label: string, marker: string): Promise<Issue | undefined> {
    for (let page = 1; page <= MAX_PAGES; page++) {
      const q = new URLSearchParams({ state: "open", labels: label, per_page: String(PAGE), page: String(page), sort: "created", direction: "asc" });
      const issues = (await this.request("GET", `/repos/${this.o.owner}/${this.o.repo}/issues?${q}`)) as Issue[];
      const hit = issues.find((i) => !i.pull_request && (i.body ?? "").includes(marker));
      if (hit) return hit;
      if (issues.length < PAGE) return undefined;
    }
    return undefined;
  }

  async createIssue(title: string, body: string, labels: string[]): Promise<Issue> {
    return (await this.request("POST", `/repos/${this.o.owner}/${this.o.repo}/issues`, { title, body, labels })) as Issue;
  }

  async comments(issue: number): Promise<Comment[]> {
    const all: Comment[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const got = (await this.request("GET", `/repos/${this.o.owner}/${this.o.repo}/issues/${issue}/comments?per_page=${PAGE}&page=${page}`)) as Comment[];
      all.push(...got);
      if (got.length < PAGE) break;
    }
    return all;
  }

  async comment(issue: number, body: string): Promise<Comment> {
    return (await this.request("POST", `/repos/${this.o.owner}/${this.o.repo}/issues/${issue}/comments`, { body })) as Comment;
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = `${this.o.apiUrl}${path}`;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: {
            accept: "application/vnd.github+json",
            authorization: `Bearer ${this.o.token}`,
            "x-github-api-version": "2022-11-28",
            "user-agent": "edge-delivery-change-recorder",
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(15000),
        });
      } catch (err) {
        await this.retryOrThrow(method, path, attempt, undefined, this.backoff(attempt), `network error: ${(err as Error).message}`);
        continue;
      }
      if (res.ok) return res.status === 204 ? undefined : res.json();
      const text = await res.text().catch(() => "");
      const message = `GitHub ${method} ${path.split("?")[0]} answered ${res.status}: ${text.slice(0, 300)}`;
      const limited =
        res.status === 429 ||
        (res.status === 403 && (res.headers.get("x-ratelimit-remaining") === "0" || res.headers.has("retry-after") || /rate limit/i.test(text)));
      if (res.status >= 500 || limited) {
        await this.retryOrThrow(method, path, attempt, res.status, this.waitFor(res, attempt), limited ? "rate limited" : "server error", message);
        continue;
      }
      // 401 (token revoked or rotated), 404 (repository or token scope), 410, 422: retrying the same call cannot help.
      throw new GitHubError(message, res.status, res.status === 401);
    }
  }

  private async retryOrThrow(
    method: string,
    path: string,
    attempt: number,
    status: number | undefined,
    waitMs: number,
    reason: string,
    message?: string,
  ): Promise<void> {
    const what = message ?? `GitHub ${method} ${path.split("?")[0]}: ${reason}`;
    if (attempt >= this.o.maxAttempts) throw new GitHubError(`${what} (gave up after ${attempt} attempts)`, status, true);
    if (waitMs > this.o.maxRetryWaitSeconds * 1000)
      throw new GitHubError(
        `${what} (GitHub asks to wait ${Math.ceil(waitMs / 1000)} s, more than maxRetryWaitSeconds; the invocation will be retried)`,
        status,
        true,
      );
    this.o.onRetry?.({ method, path: path.split("?")[0], status, attempt, waitMs, reason });
    await this.sleep(waitMs);
  }

  /** Retry-After (seconds), else x-ratelimit-reset (epoch seconds) when the limit is spent, else backoff. */
  private waitFor(res: Response, attempt: number): number {
    const retryAfter = res.headers.get("retry-after");
    if (retryAfter !== null && /^\d+$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
    const reset = res.headers.get("x-ratelimit-reset");
    if (res.headers.get("x-ratelimit-remaining") === "0" && reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - this.now()) + 1000;
    return this.backoff(attempt);
  }

  private backoff(attempt: number): number {
    const base = this.o.retryBaseMs * 2 ** (attempt - 1);
    return Math.round(base / 2 + Math.random() * (base / 2));
  }
}
