/**
 * The README table "what each application-team role may do", rendered from a synthesized stack's roles and the
 * policies attached to them. test/app-team-access.docs.test.ts keeps the README equal to it.
 *
 * Usage: npm run synth && npx tsx scripts/access-table.ts [--write]   (--write replaces the table in README.md)
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { AppTeamRoleKind } from "../model/vocabulary";
import { accountOf, rolesOf } from "./lib/synthesized-iam";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StackJson = Record<string, any>;

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

/** README.md with the table between the markers replaced. */
export function withTable(readme: string, table: string): string {
  const begin = readme.indexOf(TABLE_BEGIN);
  const end = readme.indexOf(TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no ${TABLE_BEGIN} ... ${TABLE_END} block`);
  return `${readme.slice(0, begin + TABLE_BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  const stack = JSON.parse(readFileSync(path.join(root, "cdktf.out", "stacks", TABLE_ENVIRONMENT, "cdk.tf.json"), "utf8"));
  const table = renderAccessTable(stack);
  if (process.argv.includes("--write")) {
    const file = path.join(root, "README.md");
    writeFileSync(file, withTable(readFileSync(file, "utf8"), table));
    console.log(`README.md: table updated from cdktf.out/stacks/${TABLE_ENVIRONMENT}`);
  } else console.log(table);
}
