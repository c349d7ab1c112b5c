/** The files a ticket becomes (a pass-through function and its tests) and what the command prints afterwards. */
import { Cf2Runtime, FunctionOwner } from "../../model/vocabulary";
import type { TicketManifest } from "./manifest";
import type { EventType } from "./parse";

export class TicketError extends Error {
  /** `notes`: lines printed after the problems (the prose that was ignored, when a field is missing). @default none */
  constructor(
    readonly file: string,
    readonly problems: string[],
    readonly notes: readonly string[] = [],
  ) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was written:\n  - ${problems.join("\n  - ")}${notes.map((n) => `\n${n}`).join("")}`,
    );
    this.name = "TicketError";
  }
}

export interface TicketResult {
  /** Directory written (functions/cf2/<name>). */
  dir: string;
  files: string[];
  manifest: TicketManifest;
  /** Prose of the ticket that is not part of the template, ignored: "line N" (or "description line N") and its text. */
  ignored: { line: string; text: string }[];
}

/**
 * The pass-through the function starts as: it returns what it received (the request on viewer-request, the response
 * on viewer-response), which CloudFront treats as "continue unchanged"
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/writing-function-code.html).
 */
export function passThroughCode(events: EventType[], runtime: Cf2Runtime, owner: string = FunctionOwner.APP): string {
  const body =
    events.length > 1
      ? `  return event.context.eventType === 'viewer-response' ? event.response : event.request;`
      : events[0] === "viewer-response"
        ? `  var response = event.response;\n  return response;`
        : `  var request = event.request;\n  return request;`;
  const who =
    owner === FunctionOwner.INFRA
      ? [
          `// The infrastructure team owns this code (manifest "owner": "infra"): change it here, in a pull request; every`,
          `// apply uploads and publishes it, and a change made in the console is reverted by the next apply.`,
        ]
      : [
          `// The application team replaces it in the DEVELOPMENT stage, tests it with TestFunction and publishes it;`,
          `// Terraform never changes or publishes this function again (see docs/cloudfront-functions.md, "What the application team does and may do").`,
        ];
  return [`// Pass-through created by the infrastructure team from the ticket (runtime ${runtime}).`, ...who, `function handler(event) {`, body, `}`, ``].join(
    "\n",
  );
}

/** The test event the pass-through passes on `eventType`. */
export function passThroughTest(eventType: EventType): object {
  return eventType === "viewer-request"
    ? {
        description: "the pass-through returns the viewer request unchanged",
        eventType,
        request: { uri: "/index.html", headers: { host: { value: "example.com" } } },
        expected: { method: "GET", uri: "/index.html", querystring: {}, headers: { host: { value: "example.com" } }, cookies: {} },
      }
    : {
        description: "the pass-through returns the response unchanged",
        eventType,
        response: { statusCode: 200, headers: { "content-type": { value: "text/html" } } },
        expected: { statusCode: 200, statusDescription: "OK", headers: { "content-type": { value: "text/html" } }, cookies: {} },
      };
}

/**
 * `--json` output, for workflows (one line on stdout): on success `{ ok: true, ticket, name, dir, files, branch,
 * title, environments, ignored? }`; on a bad ticket `{ ok: false, problems }` (and the usual message on stderr, exit 1).
 */
export function ticketJson(r: TicketResult) {
  const m = r.manifest;
  return {
    ok: true,
    ticket: m.ticket,
    name: m.name,
    dir: r.dir,
    files: r.files.map((f) => `${r.dir}/${f}`),
    branch: ticketBranch(m.ticket, m.name),
    title: `${m.ticket}: CloudFront Function ${m.name}`,
    environments: m.environments,
    ...(r.ignored.length > 0 ? { ignored: r.ignored } : {}),
  };
}

/** One line naming the prose that was not used, or nothing. */
export function ignoredLine(ignored: TicketResult["ignored"]): string[] {
  if (ignored.length === 0) return [];
  const shown = ignored.map((x) => `${x.line} "${x.text.length > 40 ? `${x.text.slice(0, 39)}…` : x.text}"`);
  return [`Ignored (not part of the template): ${shown.join(", ")}`];
}

/** What the command prints after writing a function; docs/cloudfront-functions.md, "Add a function from a ticket", shows the same steps. */
export function ticketSummary(r: TicketResult): string[] {
  const m = r.manifest;
  return [
    `Wrote ${r.dir}/ (${r.files.join(", ")}) for ${m.ticket}:`,
    `  ${m.owner}-owned ${m.runtime} function on ${m.associations.map((a) => `${a.site} ${a.behavior} ${a.eventType}`).join(", ")} in ${m.environments.join(", ")}`,
    ...ignoredLine(r.ignored),
    ...nextSteps(m.ticket, m.name),
  ];
}

/** The branch a ticket's pull request comes from; the same the ticket workflow uses (scripts/ticket-branch.mjs). */
export function ticketBranch(key: string, name: string): string {
  return `ticket/${key.toLowerCase()}-${name}`;
}

/** The steps after `npm run ticket`, as docs/cloudfront-functions.md lists them (a test keeps the two equal). */
export function nextSteps(key: string, name: string): string[] {
  return [
    `Next: npm test && npm run validate`,
    `      git switch -c ${ticketBranch(key, name)} && git add functions/cf2/${name} && git commit -m "${key}: CloudFront Function ${name}"`,
    `      open a pull request titled "${key}: CloudFront Function ${name}"; after merge, npx cdktn deploy <env> for each environment`,
  ];
}
