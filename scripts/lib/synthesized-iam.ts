/**
 * Reads IAM roles and the policies attached to them out of a synthesized stack, in the form AWS will receive them
 * (Terraform turns the escaped `$${` back into `${`; test/app-team-access.terraform.test.ts proves it on a plan).
 */
import type { PolicyDocument } from "../../modules/blocks/policy";
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StackJson = Record<string, any>;

/** What Terraform makes of an escaped literal: `$${` -> `${`, `%%{` -> `%{`. */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
}

export interface SynthesizedRole {
  /** Logical name in the stack (aws_iam_role.<address>). */
  address: string;
  name: string;
  arn: string;
  tags: Record<string, string>;
  maxSessionDuration: number | undefined;
  trust: PolicyDocument;
  /** Managed policies attached through aws_iam_role_policy_attachment, by policy name. */
  attached: { name: string; document: PolicyDocument }[];
}

/** The account a stack deploys to (its providers' allow-list). */
export function accountOf(stack: StackJson): string {
  const providers = stack.provider.aws;
  return (Array.isArray(providers) ? providers[0] : providers).allowed_account_ids[0];
}

/** Every aws_iam_role of a stack with its trust policy and attached customer-managed policies. */
export function rolesOf(stack: StackJson): SynthesizedRole[] {
  const account = accountOf(stack);
  const roles = stack.resource?.aws_iam_role ?? {};
  const policies = stack.resource?.aws_iam_policy ?? {};
  const attachments = Object.values<StackJson>(stack.resource?.aws_iam_role_policy_attachment ?? {});
  const policyByArn = (arn: string): [string, StackJson] | undefined => {
    const ref = /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(arn);
    if (ref) return [ref[1], policies[ref[1]]];
    return Object.entries<StackJson>(policies).find(([, p]) => arn === `arn:aws:iam::${account}:policy/${p.name}`);
  };
  return Object.entries<StackJson>(roles).map(([address, r]) => {
    const attached = attachments
      .filter((a) => a.role === `\${aws_iam_role.${address}.name}` || a.role === r.name)
      .map((a) => {
        const found = policyByArn(a.policy_arn);
        if (!found) throw new Error(`aws_iam_role.${address}: attachment of ${a.policy_arn}, which is no aws_iam_policy of this stack`);
        return { name: found[1].name as string, document: JSON.parse(terraformLiteral(found[1].policy)) as PolicyDocument };
      });
    return {
      address,
      name: r.name,
      arn: `arn:aws:iam::${account}:role/${r.name}`,
      tags: r.tags ?? {},
      maxSessionDuration: r.max_session_duration,
      trust: JSON.parse(terraformLiteral(r.assume_role_policy)) as PolicyDocument,
      attached,
    };
  });
}
