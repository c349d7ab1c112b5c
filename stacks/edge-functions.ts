import type { Construct } from "constructs";
import { TerraformOutput, type TerraformProvider } from "cdktf";
import type { Environment } from "../environments/schema";
import { functionsOf, type Cf2Function } from "../environments/cf2/load";
import { FunctionOwner, functionComment, functionName } from "../environments/cf2/manifest";
import { APP_OWNED_IGNORED_ATTRIBUTES, CloudFrontFunction, INFRA_OWNED_IGNORED_ATTRIBUTES } from "../modules/cloudfront-function";
import { FunctionEventType, type FunctionAssociation } from "../modules/static-site";
import { KeyValueStore } from "../modules/key-value-store";
import { keyValueStoreName } from "../model/cf2-key-value-store";

/**
 * Creates the CloudFront Functions whose manifests (functions/cf2/<name>/manifest.json) list this environment, and
 * returns their associations by site name for the sites' distributions.
 */
export function addFunctions(
  scope: Construct,
  env: Environment,
  functions: Cf2Function[],
  logProvider: TerraformProvider,
): { functions: Map<string, CloudFrontFunction>; associationsBySite: Map<string, FunctionAssociation[]> } {
  const created = new Map<string, CloudFrontFunction>();
  const associationsBySite = new Map<string, FunctionAssociation[]>();
  // Stores created here, by AWS name: every function of the product that names a store shares it.
  const stores = new Map<string, { store: KeyValueStore; readers: string[] }>();
  const storeArn = (m: Cf2Function["manifest"]): string | undefined => {
    const kvs = m.keyValueStore;
    if (!kvs) return undefined;
    if ("arn" in kvs) return kvs.arn[env.name];
    const name = keyValueStoreName(env.name, m.sid, kvs.name);
    let entry = stores.get(name);
    if (!entry) {
      entry = { store: new KeyValueStore(scope, `kvs-${m.sid}-${kvs.name}`, { name, comment: `${m.ticket} ${kvs.comment ?? `read by ${functionName(env.name, m.sid, m.name)}`}` }), readers: [] };
      stores.set(name, entry);
    }
    entry.readers.push(m.name);
    return entry.store.arn;
  };
  for (const { manifest: m, code } of functionsOf(env.name, functions)) {
    const fn = new CloudFrontFunction(scope, `cf2-${m.name}`, {
      functionName: functionName(env.name, m.sid, m.name),
      code,
      runtime: m.runtime,
      comment: functionComment(m),
      ticket: m.ticket,
      sid: m.sid,
      logRetentionDays: m.retentionDays ?? env.logRetentionDays,
      logProvider,
      ignoreChanges: m.owner === FunctionOwner.APP ? APP_OWNED_IGNORED_ATTRIBUTES : INFRA_OWNED_IGNORED_ATTRIBUTES,
      keyValueStoreArn: storeArn(m),
    });
    created.set(m.name, fn);
    for (const a of m.associations) {
      const list = associationsBySite.get(a.site) ?? [];
      list.push({ behavior: a.behavior, eventType: a.eventType as FunctionEventType, functionArn: fn.arn });
      associationsBySite.set(a.site, list);
    }
  }
  for (const [name, { store }] of stores) new TerraformOutput(scope, `kvs_${name.replace(/-/g, "_")}_arn`, { value: store.arn, description: `ARN of the key value store ${name} (write its keys with aws cloudfront-keyvaluestore put-key)` });
  return { functions: created, associationsBySite };
}
