import { Construct } from "constructs";
import { CloudfrontKeyValueStore } from "@cdktf/provider-aws/lib/cloudfront-key-value-store";
import { KVS_MAX_NAME_LENGTH, KVS_NAME } from "../../model/cf2-key-value-store";
import { ConstructError } from "../../model/errors";

export interface KeyValueStoreProps {
  /** AWS name, `<env>-<sid>-<name>` (1-64 of [a-zA-Z0-9-_]); a new name replaces the store and loses its keys. */
  readonly name: string;
  /** Store comment, shown in the console (at most 128 characters); names the functions that read it. */
  readonly comment: string;
}

/**
 * A CloudFront KeyValueStore that CloudFront Functions read with `cf.kvs()`.
 *
 * Owns: the store itself (name, comment). Leaves alone: its keys and values, which the application team (or its
 * pipeline) writes with the KeyValueStore API (`aws cloudfront-keyvaluestore put-key`); Terraform neither reads nor
 * reverts them. Renaming replaces the store: its keys are lost.
 */
export class KeyValueStore extends Construct {
  readonly store: CloudfrontKeyValueStore;

  constructor(scope: Construct, id: string, props: KeyValueStoreProps) {
    super(scope, id);
    // The manifest schema checks the parts; these hold for the names and comments the resolve step composes.
    if (!KVS_NAME.test(props.name))
      throw new ConstructError(this.node.path, `key value store name "${props.name}" must be 1-${KVS_MAX_NAME_LENGTH} of [a-zA-Z0-9-_]`);
    if (props.comment.length > 128)
      throw new ConstructError(this.node.path, `key value store ${props.name}: comment is ${props.comment.length} characters; CloudFront allows at most 128`);
    this.store = new CloudfrontKeyValueStore(this, "store", { name: props.name, comment: props.comment });
  }

  /** ARN, for a function's key_value_store_associations. */
  get arn(): string {
    return this.store.arn;
  }
}
