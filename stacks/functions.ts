import type { Construct } from "constructs";
import { TerraformOutput, type TerraformProvider } from "cdktn";
import type { ResolvedFunction } from "../model/resolved";
import { FunctionOwner } from "../model/vocabulary";
import { APP_OWNED_IGNORED_ATTRIBUTES, CloudFrontFunction, INFRA_OWNED_IGNORED_ATTRIBUTES } from "../modules/cloudfront/cloudfront-function";
import { KeyValueStore } from "../modules/cloudfront/key-value-store";

/**
 * Creates an environment's CloudFront Functions (functions/cf2/<name>/manifest.json that list it), by manifest
 * name; the sites attach them by reference (stacks/edge-stack.ts). Key value stores the manifests declare by name
 * are created once per environment (shared by every function that names them) and output by ARN.
 */
export function addFunctions(scope: Construct, functions: readonly ResolvedFunction[], logProvider: TerraformProvider): Map<string, CloudFrontFunction> {
  const created = new Map<string, CloudFrontFunction>();
  const stores = new Map<string, KeyValueStore>();
  const storeArn = (f: ResolvedFunction): string | undefined => {
    const kvs = f.keyValueStore;
    if (!kvs) return undefined;
    if ("arn" in kvs) return kvs.arn;
    let store = stores.get(kvs.name);
    if (!store) {
      store = new KeyValueStore(scope, `kvs-${kvs.localName}`, { name: kvs.name, comment: kvs.comment });
      stores.set(kvs.name, store);
      new TerraformOutput(scope, `kvs_${kvs.name.replace(/-/g, "_")}_arn`, {
        value: store.arn,
        description: `ARN of the key value store ${kvs.name} (write its keys with aws cloudfront-keyvaluestore put-key)`,
      });
    }
    return store.arn;
  };
  for (const f of functions) {
    created.set(
      f.name,
      new CloudFrontFunction(scope, `cf2-${f.name}`, {
        functionName: f.functionName,
        code: f.code,
        runtime: f.runtime,
        comment: f.comment,
        ticket: f.ticket,
        sid: f.sid,
        logRetentionDays: f.logRetentionDays,
        logProvider,
        ignoreChanges: f.owner === FunctionOwner.APP ? APP_OWNED_IGNORED_ATTRIBUTES : INFRA_OWNED_IGNORED_ATTRIBUTES,
        keyValueStoreArn: storeArn(f),
      }),
    );
  }
  return created;
}
