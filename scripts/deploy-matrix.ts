/**
 * `npx tsx scripts/deploy-matrix.ts [--stacks-dir cdktf.out/stacks]`: the environments the GitHub workflows plan and
 * apply, read from the synthesized stacks (run `npm run synth` first), as `matrix=<json>` for $GITHUB_OUTPUT.
 *
 * Each entry comes from what the stack will create: the account and region of its provider, and the infrastructure
 * team's plan and apply roles (modules/access/infra-deploy-roles.ts) with the GitHub environment their trust names. So the
 * job's `environment:` is exactly the one the role trusts, and a stack without deploy roles is left out.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { infraRoleName, InfraRoleKind } from "../model/deploy-roles";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

export interface DeployTarget {
  /** Stack (environment) name. */
  env: string;
  accountId: string;
  region: string;
  planRole: string;
  /** GitHub environment the plan role trusts. */
  planEnvironment: string;
  applyRole: string;
  /** GitHub environment the apply role trusts. */
  applyEnvironment: string;
}

const SUBJECT = /^repo:[^:]+:environment:(.+)$/;

/** The role of a stack by name, with the GitHub environment its trust's `sub` names. */
export function trustedRole(stack: Json, name: string): { arn: string; environment: string; trust: Json } | undefined {
  const role = Object.values<Json>(stack.resource?.aws_iam_role ?? {}).find((r) => r.name === name);
  if (!role) return undefined;
  const trust = JSON.parse(role.assume_role_policy);
  const sub = trust.Statement?.[0]?.Condition?.StringEquals?.["token.actions.githubusercontent.com:sub"];
  const environment = typeof sub === "string" ? SUBJECT.exec(sub)?.[1] : undefined;
  if (!environment) return undefined;
  const provider = [stack.provider?.aws ?? []].flat()[0] ?? {};
  return { arn: `arn:aws:iam::${provider.allowed_account_ids?.[0]}:role/${name}`, environment, trust };
}

/** Deploy targets of synthesized stacks (name -> cdk.tf.json), sorted by name. */
export function deployMatrix(stacks: Record<string, Json>): DeployTarget[] {
  return Object.keys(stacks)
    .sort()
    .flatMap((env) => {
      const stack = stacks[env];
      const plan = trustedRole(stack, infraRoleName(env, InfraRoleKind.PLAN));
      const apply = trustedRole(stack, infraRoleName(env, InfraRoleKind.APPLY));
      if (!plan || !apply) return [];
      const provider = [stack.provider?.aws ?? []].flat().find((p: Json) => !p.alias) ?? {};
      return [
        {
          env,
          accountId: provider.allowed_account_ids?.[0],
          region: provider.region,
          planRole: plan.arn,
          planEnvironment: plan.environment,
          applyRole: apply.arn,
          applyEnvironment: apply.environment,
        },
      ];
    });
}

export function readStacks(dir: string): Record<string, Json> {
  if (!existsSync(dir)) throw new Error(`${dir} does not exist: run npm run synth first`);
  return Object.fromEntries(
    readdirSync(dir)
      .filter((s) => existsSync(path.join(dir, s, "cdk.tf.json")))
      .map((s) => [s, JSON.parse(readFileSync(path.join(dir, s, "cdk.tf.json"), "utf8"))]),
  );
}

if (require.main === module) {
  const i = process.argv.indexOf("--stacks-dir");
  const dir = i > 0 ? process.argv[i + 1] : path.join(__dirname, "..", "cdktf.out", "stacks");
  try {
    process.stdout.write(`matrix=${JSON.stringify(deployMatrix(readStacks(dir)))}\n`);
  } catch (err) {
    process.stderr.write(`deploy-matrix: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
