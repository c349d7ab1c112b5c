/**
 * The table "what each application-team role may do" in docs/access.md, rendered from a synthesized stack's roles
 * and the policies attached to them. test/app-team-access.docs.test.ts keeps docs/access.md equal to it.
 *
 * Usage: npm run synth && npx tsx scripts/access-table.ts [--write]   (--write replaces the table in docs/access.md)
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { AppTeamRoleKind } from "../model/vocabulary";
import { accountOf, rolesOf } from "./lib/synthesized-iam";
import { runCli, UserError, type CliSpec } from "./lib/cli";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StackJson = Record<string, any>;

/** The document holding the table, relative to the repository root. */
export const ACCESS_DOC = "docs/access.md";
export const TABLE_BEGIN = "<!-- app-team-access-table:begin (npx tsx scripts/access-table.ts --write) -->";
export const TABLE_END = "<!-- app-team-access-table:end -->";
/** The example environment the table is rendered from: it has both kinds of role and every safeguard on. */
export const TABLE_ENVIRONMENT = "prod";

/** Statements whose resources come from the manifests: one row describes them, whatever functions exist today. */
const GENERATED_RESOURCES: Record<string, string> = {
  InfrastructureOwnedFunctions: '`arn:aws:cloudfront::<account>:function/<env>-<sid>-<name>` of every function whose manifest says `owner: "infra"`',
};

const KIND_COLUMNS: [AppTeamRoleKind, string][] = [
  [AppTeamRoleKind.MAINTENANCE, "maintenance role"],
  [AppTeamRoleKind.CICD, "CI/CD role"],
];

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const code = (values: string[]) => values.map((v) => `\`${v}\``).join("<br>");

/** One row per statement of every policy attached to an application-team role (a role tagged with a sid). */
export function renderAccessTable(stack: StackJson): string {
  const account = accountOf(stack);
  const roles = rolesOf(stack).filter((r) => r.tags.sid);
  const envName = roles[0]?.tags.environment;
  const general = (s: string) => s.split(account).join("<account>").replace(`:policy/${envName}-`, ":policy/<env>-");
  const policyName = (name: string) => name.replace(`${envName}-`, "<env>-");
  // By name, so the table does not depend on which role attaches what first (<env>-cf2-... before <env>-lambda-...).
  const policies = [...new Set(roles.flatMap((r) => r.attached.map((p) => p.name)))].sort();
  const rows = [
    `| policy / statement | effect | actions | resources | ${KIND_COLUMNS.map(([, title]) => title).join(" | ")} |`,
    `| --- | --- | --- | --- | ${KIND_COLUMNS.map(() => "---").join(" | ")} |`,
  ];
  for (const name of policies) {
    const doc = roles.flatMap((r) => r.attached).find((p) => p.name === name)!.document;
    const kinds = KIND_COLUMNS.map(([kind]) => roles.some((r) => r.name.endsWith(`-${kind}`) && r.attached.some((p) => p.name === name)));
    for (const s of doc.Statement) {
      const cells = [
        `\`${policyName(name)}\` / ${s.Sid ?? "(no Sid)"}`,
        s.Effect,
        code(list(s.Action)),
        (s.Sid && GENERATED_RESOURCES[s.Sid]) || code(list(s.Resource).map(general)),
        ...kinds.map((has) => (has ? (s.Effect === "Allow" ? "allowed" : "denied") : "-")),
      ];
      rows.push(`| ${cells.join(" | ")} |`);
    }
  }
  return rows.join("\n");
}

/** The access document with the table between the markers replaced. */
export function withTable(doc: string, table: string): string {
  const begin = doc.indexOf(TABLE_BEGIN);
  const end = doc.indexOf(TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`${ACCESS_DOC} has no ${TABLE_BEGIN} ... ${TABLE_END} block`);
  return `${doc.slice(0, begin + TABLE_BEGIN.length)}\n${table}\n${doc.slice(end)}`;
}

const ACCESS_TABLE_OPTIONS = { write: { type: "boolean", default: false } } as const;
const ACCESS_TABLE_CLI: CliSpec<typeof ACCESS_TABLE_OPTIONS> = {
  command: "access-table",
  usage: [
    "usage: npx tsx scripts/access-table.ts [--write]",
    `  prints the app-team access table from the synthesized ${TABLE_ENVIRONMENT} stack (run npm run synth first)`,
    `  --write  replace the table between its markers in ${ACCESS_DOC} instead`,
  ].join("\n"),
  options: ACCESS_TABLE_OPTIONS,
};

if (require.main === module)
  void runCli(ACCESS_TABLE_CLI, process.argv.slice(2), ({ values }) => {
    const root = path.resolve(__dirname, "..");
    const stackFile = path.join(root, "cdktf.out", "stacks", TABLE_ENVIRONMENT, "cdk.tf.json");
    let stack;
    try {
      stack = JSON.parse(readFileSync(stackFile, "utf8"));
    } catch (err) {
      throw new UserError(
        `${path.relative(root, stackFile)}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run npm run synth first`,
      );
    }
    const table = renderAccessTable(stack);
    if (!values.write) return void console.log(table);
    const file = path.join(root, ACCESS_DOC);
    writeFileSync(file, withTable(readFileSync(file, "utf8"), table));
    console.log(`${ACCESS_DOC}: table updated from cdktf.out/stacks/${TABLE_ENVIRONMENT}`);
  });
