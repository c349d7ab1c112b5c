/**
 * A parsed ticket resolved against the configuration into a function manifest, and problems the manifest validation
 * finds told back in the ticket's terms (its lines and labels).
 */
import * as path from "node:path";
import { FUNCTION_NAME, TICKET_KEY } from "../../model/limits";
import { Cf2Runtime, FunctionOwner } from "../../model/vocabulary";
import type { EventType, Ticket, TicketField, TicketProblems } from "./parse";

/** What resolving needs of an environment. */
export interface TicketEnvironment {
  readonly name: string;
  readonly accountId: string;
  readonly sites: readonly { readonly name: string; readonly sid: string; readonly distribution: { readonly id?: string } }[];
}

/** The manifest.json a ticket becomes (the fields of a function manifest it sets). */
export interface TicketManifest {
  ticket: string;
  name: string;
  sid: string;
  environments: string[];
  associations: { site: string; behavior: string; eventType: EventType }[];
  runtime: Cf2Runtime;
  owner: FunctionOwner;
  retentionDays?: number;
  comment?: string;
}

const ARN = /^arn:aws:cloudfront::(\d{12}):distribution\/([A-Z0-9]+)$/;

/**
 * Resolves what the ticket says against the configuration into a manifest. Problems that only the configuration
 * can decide (unknown environment, behavior of no site, taken event) are left to the manifest validation.
 */
export function manifestFromTicket(
  t: Ticket,
  envs: readonly TicketEnvironment[],
  opts: { owner?: string; ticket?: string; file: string },
  p: TicketProblems,
): TicketManifest {
  const ticket = ticketKey(t, opts, p);
  if (t.name && !FUNCTION_NAME.test(t.name)) {
    p.settled.add("name");
    p.problems.push(
      `${at(t, "name", "function name")}CF2の命名 "${t.name}" is invalid: use lowercase letters, digits, '-' or '_', starting with a letter (the AWS name becomes <env>-<sid>-${t.name})`,
    );
  }
  const site = siteOf(t, envs, p);
  const sid = envs.flatMap((e) => e.sites).find((s) => s.name === site)?.sid ?? "";
  if (!sid) p.settled.add("sid"); // the site's problem is reported (by the ticket or the manifest), not its missing product
  const owner = (opts.owner ?? t.owner ?? FunctionOwner.APP)
    .toLowerCase()
    .replace(/^(アプリ|application)$/, "app")
    .replace(/^(インフラ|infrastructure)$/, "infra");
  return {
    ticket: ticket ?? "",
    name: t.name ?? "",
    sid,
    environments: t.environments,
    associations: t.rows.flatMap((r) => r.events.map((eventType) => ({ site, behavior: r.behavior, eventType }))),
    runtime: (t.runtime ?? Cf2Runtime.JS_2_0) as Cf2Runtime,
    owner: owner as FunctionOwner,
    ...(t.retentionDays !== undefined ? { retentionDays: t.retentionDays } : {}),
    ...(t.comment ? { comment: t.comment } : {}),
  };
}

function ticketKey(t: Ticket, opts: { ticket?: string; file: string }, p: TicketProblems): string | undefined {
  const ticket = opts.ticket ?? t.ticket ?? /([A-Z][A-Z0-9_]+-[1-9][0-9]*)/.exec(path.basename(opts.file))?.[1];
  if (!ticket) p.problems.push(`no Jira key: add "チケット: SHOP-1234" (Ticket), name the file after the key, or pass --ticket`);
  else if (!TICKET_KEY.test(ticket))
    p.problems.push(
      `${opts.ticket === undefined && t.ticket !== undefined ? at(t, "ticket", "ticket") : ""}"${ticket}" is not a Jira issue key like "SHOP-1234"`,
    );
  if (!ticket || !TICKET_KEY.test(ticket)) p.settled.add("ticket");
  return ticket;
}

/** The one site the ticket's distributions (ARNs or site names) name; "" when they name none or several. */
function siteOf(t: Ticket, envs: readonly TicketEnvironment[], p: TicketProblems): string {
  const sites = new Set<string>();
  const before = p.problems.length;
  for (const d of t.distributions) {
    const found = d.startsWith("arn:") ? siteOfArn(d, envs) : { site: d };
    if ("problem" in found) p.problems.push(at(t, "distributions", "distribution") + found.problem);
    else sites.add(found.site);
  }
  if (sites.size > 1)
    p.problems.push(
      `${at(t, "distributions", "distribution")}the distributions name different sites (${[...sites].join(", ")}); one ticket attaches a function to one site`,
    );
  if (p.problems.length > before) p.settled.add("sid").add("site");
  return [...sites][0] ?? "";
}

function siteOfArn(d: string, envs: readonly TicketEnvironment[]): { site: string } | { problem: string } {
  const m = ARN.exec(d);
  if (!m) return { problem: `"${d}" is not a CloudFront distribution ARN: expected arn:aws:cloudfront::<12-digit account>:distribution/<distribution id>` };
  const [, account, id] = m;
  const owners = envs.flatMap((e) => e.sites.filter((s) => s.distribution.id === id).map((s) => ({ env: e, site: s })));
  if (owners.length === 0) {
    const known = envs.flatMap((e) => e.sites.filter((s) => s.distribution.id).map((s) => `${s.distribution.id} (${e.name} ${s.name})`));
    return { problem: `distribution ${id} of "${d}" is not one of ours; distributions this project manages: ${known.join(", ") || "(none declare an id)"}` };
  }
  const { env, site } = owners[0];
  if (env.accountId !== account)
    return { problem: `"${d}": distribution ${id} is site "${site.name}" of environment ${env.name}, whose account is ${env.accountId}, not ${account}` };
  return { site: site.name };
}

/** "line N (<label>): " for a field the ticket has a line for, else "". */
function at(t: Ticket, field: TicketField, label: string): string {
  const line = t.lines[field];
  return line === undefined ? "" : `line ${line} (${label}): `;
}

/** The table's first row line (for problems about the associations as a whole). */
export function tableLineOf(t: Ticket): number | undefined {
  return t.rows.length > 0 ? Math.min(...t.rows.map((r) => r.line)) - 1 : undefined;
}

const TICKET_FIELD: Record<string, { line: TicketField; label: string }> = {
  ticket: { line: "ticket", label: "ticket" },
  name: { line: "name", label: "function name" },
  sid: { line: "distributions", label: "distribution" },
  owner: { line: "owner", label: "owner" },
  runtime: { line: "runtime", label: "runtime" },
  retentionDays: { line: "retentionDays", label: "log retention" },
  comment: { line: "comment", label: "comment" },
};

/**
 * A problem the manifest validation found, told at the ticket line it comes from: `line N (<field>): <what>`, or
 * `<field>: <what>` when the ticket has no line for it (a default, or --owner).
 */
export function inTicketTerms(
  problem: string,
  stagedPrefix: string,
  t: Ticket,
  assocLines: number[],
  tableLine: number | undefined,
  ownerFromCli: boolean,
): { text: string; line?: number } {
  if (!problem.startsWith(stagedPrefix)) return { text: problem };
  const m = /^manifest\.json: (?:entry ([a-zA-Z]+)\[(\d+)\](?:, field "([^"]+)")?|field "([^"]+)")?:? ?([\s\S]*)$/.exec(problem.slice(stagedPrefix.length));
  if (!m) return { text: problem.slice(stagedPrefix.length) };
  const [, entry, index, entryField, field, message] = m;
  let line: number | undefined;
  let label: string;
  if (entry === "environments") [line, label] = [t.lines.environments, "environments"];
  else if (entry === "associations" && entryField === "site") [line, label] = [t.lines.distributions, "distribution"];
  else if (entry === "associations") [line, label] = [assocLines[Number(index)], "cache behavior"];
  else if (field === "associations") [line, label] = [tableLine, "cache behavior table"];
  else if (field && TICKET_FIELD[field.split(".")[0]]) {
    const f = TICKET_FIELD[field.split(".")[0]];
    const cli = f.line === "owner" && ownerFromCli;
    [line, label] = [cli ? undefined : t.lines[f.line], cli ? "--owner" : f.label];
  } else label = field ? `field "${field}"` : "ticket";
  return line !== undefined ? { text: `line ${line} (${label}): ${message}`, line } : { text: `${label}: ${message}` };
}
