/**
 * CloudFront KeyValueStore naming and limits, for stores a function's manifest declares (functions/cf2/<name>/
 * manifest.json, field "keyValueStore"). Data only: imports nothing from environments/ or modules/.
 *
 * - A function can be associated with one key value store, and only on cloudfront-js-2.0
 *   (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions-associate.html).
 * - Store names are 1-64 characters of [a-zA-Z0-9-_]
 *   (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateKeyValueStore.html).
 */

/** AWS: key value store names. */
export const KVS_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
export const KVS_MAX_NAME_LENGTH = 64;
/** The part of the name a manifest chooses (the project prefixes `<env>-<sid>-`). */
export const KVS_LOCAL_NAME = /^[a-z][a-z0-9_-]*[a-z0-9]$/;
/** ARN of a key value store: arn:aws:cloudfront::<account>:key-value-store/<id>. */
export const KVS_ARN = /^arn:aws:cloudfront::(\d{12}):key-value-store\/([A-Za-z0-9-]+)$/;
/** Key value stores are a cloudfront-js-2.0 feature. */
export const KVS_RUNTIME = "cloudfront-js-2.0";

/** The AWS name of a store this project creates: `<env>-<sid>-<name>`, like the functions that read it. */
export function keyValueStoreName(env: string, sid: string, name: string): string {
  return `${env}-${sid}-${name}`;
}
