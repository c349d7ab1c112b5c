/**
 * `npm run inventory [-- --env <name>...]`: what a viewer's request goes through on every distribution of the
 * working tree's environments, as Mermaid flowcharts in Markdown on stdout (GitHub renders them): each cache
 * behavior in the order CloudFront matches it, the function on each event with its owner (app or infra), and the
 * origin. The same diagram the review shows for a change, for whole environments, so a team sees which functions
 * run where.
 */
import { stackDistributions, routingDiagram } from "./lib/review/routes";
import { ReviewError, synthesizeTree } from "./lib/review/offline";
import { PROJECT_ROOT } from "./lib/terraform";
import type { Json } from "./lib/review/changes";
import { runCli, UserError, type CliSpec } from "./lib/cli";

const USAGE = "usage: npm run inventory [-- --env <name>...]";

/** The Markdown inventory of the given stacks (every one when `envs` is empty). */
export function inventory(stacks: Record<string, Json>, envs: string[] = []): string {
  const names = Object.keys(stacks).sort();
  const unknown = envs.filter((e) => !names.includes(e));
  if (unknown.length) throw new ReviewError(`--env ${unknown.join(", ")}: no such stack; stacks: ${names.join(", ") || "(none)"}`);
  const out = ["# Edge inventory: what a viewer's request goes through", ""];
  for (const env of envs.length ? envs : names) {
    const distributions = stackDistributions(stacks[env]);
    out.push(`## ${env}`, "");
    if (!distributions.length) out.push("No distributions.", "");
    for (const d of distributions) {
      const fns = d.routes.routes.flatMap((r) => r.functions);
      out.push(
        `### ${d.title}`,
        "",
        `\`aws_cloudfront_distribution.${d.id}\` · ${d.routes.routes.length} behaviors · ${fns.length} function associations`,
        "",
        routingDiagram(d.routes),
        "",
      );
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}

const OPTIONS = { env: { type: "string", multiple: true } } as const;
export const INVENTORY_CLI: CliSpec<typeof OPTIONS> = {
  command: "inventory",
  usage: [
    USAGE,
    "  prints Mermaid flowcharts of every distribution's behaviors, functions and origins as Markdown",
    "  --env  one environment's stack (repeatable; default: every stack)",
  ].join("\n"),
  options: OPTIONS,
};

export function main(argv: string[]): Promise<number> {
  return runCli(INVENTORY_CLI, argv, async ({ values }) => {
    try {
      process.stdout.write(inventory(await synthesizeTree(PROJECT_ROOT), values.env ?? []));
    } catch (err) {
      if (err instanceof ReviewError) throw new UserError(err.message);
      throw err;
    }
  });
}

if (require.main === module) void main(process.argv.slice(2));
