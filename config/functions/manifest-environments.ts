/**
 * The checks every function manifest (functions/cf2, functions/lambda) makes against the environments it lists:
 * each environment listed once and known, the manifest's sid a product of each. What a manifest checks per
 * environment beyond that goes through `visit`; a problem it reports with `envIssue` that repeats in several
 * environments is reported once, naming them all.
 */
import type { z } from "zod";
import type { Environment } from "../environment";

/** Reports a problem of one environment; `message` gets "environment dev" or "environments dev, stg". */
export type EnvIssue = (envName: string, path: (string | number)[], message: (env: string) => string) => void;

/** What `visit` gets for each known environment the manifest lists. */
export interface ManifestEnvironment {
  readonly env: Environment;
  readonly envName: string;
  /** Whether the manifest's sid is a product of this environment (already reported when not). */
  readonly sidKnown: boolean;
  readonly envIssue: EnvIssue;
}

export function checkManifestEnvironments(
  m: { readonly environments: readonly string[]; readonly sid: string },
  byName: ReadonlyMap<string, Environment>,
  ctx: z.RefinementCtx,
  visit: (e: ManifestEnvironment) => void,
): void {
  const perEnv = new Map<string, { path: (string | number)[]; message: string; envs: string[] }>();
  const envIssue: EnvIssue = (envName, path, message) => {
    const key = `${path.join(".")} ${message("\u0000")}`;
    const entry = perEnv.get(key) ?? { path, message: "", envs: [] };
    entry.envs.push(envName);
    entry.message = message(entry.envs.length === 1 ? `environment ${entry.envs[0]}` : `environments ${entry.envs.join(", ")}`);
    perEnv.set(key, entry);
  };
  const seen = new Set<string>();
  m.environments.forEach((envName, i) => {
    if (seen.has(envName)) ctx.addIssue({ code: "custom", path: ["environments", i], message: `"${envName}" is listed twice` });
    seen.add(envName);
    const env = byName.get(envName);
    if (!env) {
      ctx.addIssue({ code: "custom", path: ["environments", i], message: `"${envName}" is not an environment; known: ${[...byName.keys()].join(", ")}` });
      return;
    }
    const sidKnown = env.products.some((p) => p.sid === m.sid);
    if (!sidKnown) envIssue(envName, ["sid"], (e) => `"${m.sid}" is not a product of ${e}; products: ${env.products.map((p) => p.sid).join(", ")}`);
    visit({ env, envName, sidKnown, envIssue });
  });
  for (const { path, message } of perEnv.values()) ctx.addIssue({ code: "custom", path, message });
}
