/**
 * `import cf from "cloudfront"` (runtime 2.0) as the local runner offers it: the KeyValueStore and origin helpers,
 * validated as the guide documents them (functions-custom-methods, helper-functions-origin-modification,
 * general-helper-methods), with the origin change recorded so a test can assert it.
 */
import {
  CF2_KVS_FORMATS,
  CF2_KVS_MAX_KEY_BYTES,
  CF2_OAC_ORIGIN_TYPES,
  CF2_OAC_SIGNING_BEHAVIORS,
  CF2_OAC_SIGNING_PROTOCOLS,
  CF2_ORIGIN_GROUP_SELECTION,
  CF2_ORIGIN_LIMITS,
  CF2_ORIGIN_PROTOCOLS,
  CF2_ORIGIN_SSL_PROTOCOLS,
} from "../../model/cf2-runtime";
import type { EventType } from "./test-cases";

/** Thrown for what CloudFront would reject at run time; the message says what and why. */
export class Cf2RuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Cf2RuntimeError";
  }
}

/** What the origin helpers did; the last call wins, as at the edge. */
export type OriginChange =
  | { helper: "updateRequestOrigin"; params: Record<string, unknown> }
  | { helper: "selectRequestOriginById"; originId: string }
  | { helper: "createRequestOriginGroup"; params: Record<string, unknown> };
/** What the cloudfront module needs of the function's surroundings. */
export interface CloudFrontModuleOptions {
  /** Contents of the associated key value store; without it, `cf.kvs()` throws as a function without a store does. */
  kvs?: Record<string, string>;
  /** Id of the associated store. @default "local-test-kvs" */
  kvsId?: string;
  /** The distribution's origin ids; when given, the origin helpers must name one of them. */
  origins?: string[];
  /** `cf.edgeLocation` for viewer-request functions. */
  edgeLocation?: { name: string; serverIp: string; region: string };
}

export const DEFAULT_KVS_ID = "local-test-kvs";

/** `import cf from "cloudfront"` (2.0): the KeyValueStore and origin helpers, validated as the guide documents them. */
export function cloudfrontModule(eventType: EventType, opts: CloudFrontModuleOptions, record: (change: OriginChange) => void) {
  const storeId = opts.kvsId ?? DEFAULT_KVS_ID;
  const viewerRequestOnly = (helper: string) => {
    if (eventType !== "viewer-request") throw new Cf2RuntimeError(`cf.${helper}() can only be used in viewer-request functions (this event is ${eventType})`);
  };
  const knownOrigin = (helper: string, id: unknown) => {
    if (typeof id !== "string" || id === "") throw new Cf2RuntimeError(`cf.${helper}(): an origin id must be a non-empty string`);
    if (opts.origins && !opts.origins.includes(id))
      throw new Cf2RuntimeError(`cf.${helper}(): origin "${id}" is not an origin of the distribution (origins: ${opts.origins.join(", ")})`);
  };
  return {
    kvs(id?: string) {
      if (opts.kvs === undefined) throw new Cf2RuntimeError("cf.kvs(): no key value store is associated with this function");
      if (id !== undefined && id !== storeId)
        throw new Cf2RuntimeError(`cf.kvs("${id}"): that key value store is not associated with this function (associated: "${storeId}")`);
      return keyValueStore(opts.kvs);
    },
    updateRequestOrigin(params: unknown) {
      viewerRequestOnly("updateRequestOrigin");
      const problems = originParamProblems(params);
      if (problems.length) throw new Cf2RuntimeError(`cf.updateRequestOrigin(): ${problems.join("; ")}`);
      record({ helper: "updateRequestOrigin", params: JSON.parse(JSON.stringify(params)) });
    },
    selectRequestOriginById(originId: unknown) {
      viewerRequestOnly("selectRequestOriginById");
      knownOrigin("selectRequestOriginById", originId);
      record({ helper: "selectRequestOriginById", originId: originId as string });
    },
    createRequestOriginGroup(params: unknown) {
      viewerRequestOnly("createRequestOriginGroup");
      const p = (params ?? {}) as Record<string, unknown>;
      const ids = p.originIds;
      if (!Array.isArray(ids) || ids.length !== 2)
        throw new Cf2RuntimeError("cf.createRequestOriginGroup(): originIds must list exactly two origin ids (primary, then secondary)");
      ids.forEach((id) => knownOrigin("createRequestOriginGroup", id));
      const statusCodes = (p.failoverCriteria as { statusCodes?: unknown } | undefined)?.statusCodes;
      if (
        !Array.isArray(statusCodes) ||
        statusCodes.length === 0 ||
        statusCodes.some((c) => !Number.isInteger(c) || (c as number) < 400 || (c as number) > 599)
      )
        throw new Cf2RuntimeError("cf.createRequestOriginGroup(): failoverCriteria.statusCodes must list HTTP 4xx/5xx status codes");
      if (p.selectionCriteria !== undefined && !(CF2_ORIGIN_GROUP_SELECTION as readonly unknown[]).includes(p.selectionCriteria))
        throw new Cf2RuntimeError(`cf.createRequestOriginGroup(): selectionCriteria must be ${CF2_ORIGIN_GROUP_SELECTION.join(" or ")}`);
      record({ helper: "createRequestOriginGroup", params: JSON.parse(JSON.stringify(params)) });
    },
    // Empty for viewer-response functions (general-helper-methods).
    edgeLocation: eventType === "viewer-request" ? (opts.edgeLocation ?? { name: "NRT", serverIp: "192.0.2.10", region: "ap-northeast-1" }) : {},
  };
}

/** The checks the origin modification page documents for updateRequestOrigin's parameters. */
function originParamProblems(params: unknown): string[] {
  if (!params || typeof params !== "object" || Array.isArray(params)) return ["pass an object of origin settings"];
  const p = params as Record<string, unknown>;
  const problems: string[] = [];
  const known = [
    "domainName",
    "originPath",
    "customHeaders",
    "originAccessControlConfig",
    "timeouts",
    "connectionAttempts",
    "originShield",
    "customOriginConfig",
    "hostHeader",
    "sni",
    "allowedCertificateNames",
    "ipAddressType",
  ];
  for (const k of Object.keys(p)) if (!known.includes(k)) problems.push(`unknown setting "${k}"`);
  const range = (name: string, v: unknown, { min, max }: { min: number; max: number }) => {
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < min || (v as number) > max))
      problems.push(`${name} must be an integer from ${min} to ${max}`);
  };
  if (p.domainName !== undefined && (typeof p.domainName !== "string" || !/^[A-Za-z0-9.-]+$/.test(p.domainName)))
    problems.push("domainName must be a domain name");
  if (p.originPath !== undefined && (typeof p.originPath !== "string" || !p.originPath.startsWith("/") || p.originPath.endsWith("/")))
    problems.push('originPath must start with "/" and not end with "/"');
  if (p.customHeaders !== undefined && (typeof p.customHeaders !== "object" || Object.values(p.customHeaders as object).some((v) => typeof v !== "string")))
    problems.push("customHeaders must map header names to string values");
  const oac = p.originAccessControlConfig as Record<string, unknown> | undefined;
  if (oac !== undefined) {
    if (typeof oac.enabled !== "boolean") problems.push("originAccessControlConfig.enabled must be true or false");
    if (oac.enabled === true) {
      if (!(CF2_OAC_SIGNING_BEHAVIORS as readonly unknown[]).includes(oac.signingBehavior))
        problems.push(`originAccessControlConfig.signingBehavior must be ${CF2_OAC_SIGNING_BEHAVIORS.join(", ")}`);
      if (!(CF2_OAC_SIGNING_PROTOCOLS as readonly unknown[]).includes(oac.signingProtocol))
        problems.push(`originAccessControlConfig.signingProtocol must be ${CF2_OAC_SIGNING_PROTOCOLS.join(", ")}`);
      if (!(CF2_OAC_ORIGIN_TYPES as readonly unknown[]).includes(oac.originType))
        problems.push(`originAccessControlConfig.originType must be ${CF2_OAC_ORIGIN_TYPES.join(", ")}`);
    }
  }
  const t = p.timeouts as Record<string, unknown> | undefined;
  if (t !== undefined) {
    range("timeouts.readTimeout", t.readTimeout, CF2_ORIGIN_LIMITS.readTimeout);
    range("timeouts.connectionTimeout", t.connectionTimeout, CF2_ORIGIN_LIMITS.connectionTimeout);
  }
  range("connectionAttempts", p.connectionAttempts, CF2_ORIGIN_LIMITS.connectionAttempts);
  const shield = p.originShield as Record<string, unknown> | undefined;
  if (shield !== undefined) {
    if (typeof shield.enabled !== "boolean") problems.push("originShield.enabled must be true or false");
    if (shield.enabled === true && (typeof shield.region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(shield.region)))
      problems.push("originShield.region must be an AWS Region such as us-east-1");
  }
  const custom = p.customOriginConfig as Record<string, unknown> | undefined;
  if (custom !== undefined) {
    range("customOriginConfig.port", custom.port, CF2_ORIGIN_LIMITS.port);
    if (custom.protocol !== undefined && !(CF2_ORIGIN_PROTOCOLS as readonly unknown[]).includes(custom.protocol))
      problems.push(`customOriginConfig.protocol must be ${CF2_ORIGIN_PROTOCOLS.join(" or ")}`);
    if (
      custom.sslProtocols !== undefined &&
      (!Array.isArray(custom.sslProtocols) || custom.sslProtocols.some((s) => !(CF2_ORIGIN_SSL_PROTOCOLS as readonly unknown[]).includes(s)))
    )
      problems.push(`customOriginConfig.sslProtocols must list ${CF2_ORIGIN_SSL_PROTOCOLS.join(", ")}`);
  }
  return problems;
}

/** A KeyValueStore as `cf.kvs()` returns it, reading from a fixture (functions-custom-methods). */
function keyValueStore(data: Record<string, string>) {
  const checkKey = (key: unknown) => {
    if (typeof key !== "string" || key.length === 0 || Buffer.byteLength(key) > CF2_KVS_MAX_KEY_BYTES)
      throw new Cf2RuntimeError(`KeyValueStore: a key must be a string of 1 to ${CF2_KVS_MAX_KEY_BYTES} bytes`);
  };
  return {
    get(key: string, options?: { format?: string }) {
      checkKey(key);
      const format = options?.format ?? "string";
      if (!(CF2_KVS_FORMATS as readonly string[]).includes(format))
        return Promise.reject(new Cf2RuntimeError(`KeyValueStore.get: format must be ${CF2_KVS_FORMATS.join(", ")}`));
      if (!Object.prototype.hasOwnProperty.call(data, key)) return Promise.reject(new Cf2RuntimeError(`KeyValueStore: key "${key}" not found`));
      const value = data[key];
      if (format === "json") return Promise.resolve(JSON.parse(value));
      return Promise.resolve(format === "bytes" ? new Uint8Array(Buffer.from(value, "utf8")) : value);
    },
    exists: (key: string) => (checkKey(key), Promise.resolve(Object.prototype.hasOwnProperty.call(data, key))),
    meta: () => Promise.resolve({ creationDateTime: "2024-01-01T00:00:00Z", lastUpdatedDateTime: "2024-01-01T00:00:00Z", keyCount: Object.keys(data).length }),
  };
}
