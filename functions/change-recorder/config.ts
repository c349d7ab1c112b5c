/**
 * The change recorder's configuration, generated at synth by modules/observability/change-recorder.ts and handed to the function
 * as the environment variable RECORDER_CONFIG (JSON):
 *
 *   bucket               records bucket (required)
 *   prefix               key prefix of the records, default "records/"
 *   repository           "owner/name" of the repository that receives the issues (required)
 *   githubApiUrl         default "https://api.github.com" (GitHub Enterprise Server: "https://<host>/api/v3")
 *   tokenParameter       name of the SSM SecureString holding the GitHub token (required)
 *   automationPrincipals role (or user) ARNs whose changes are this project's automation; `*` matches any run of
 *                        characters (for role names with generated suffixes)
 *   appTeamPrincipals    role ARNs of application teams (console maintenance and CI/CD roles)
 *   appOwnedFunctions    CloudFront Function names whose code the application teams own
 *   appOwnedContainerFunctions  [{ function, repository, parameter, teamPrincipals }]: container functions whose
 *                        image the team owns; UpdateFunctionCode, PutImage and PutParameter by teamPrincipals are
 *                        expected
 *   watch                which resources are this project's: { distributionIds?, functionPrefixes?, buckets?,
 *                        iamNamePrefixes?, continuousDeploymentPolicyIds?, keyValueStorePrefixes?,
 *                        lambdaFunctionPrefixes?, repositoryPrefixes?, parameterNames?, hostedZoneIds?, apiIds? };
 *                        a missing list means "every resource of that kind"
 *   label                issue label, default "change-recorder"
 *   environment          shown in issue titles, e.g. "prod"
 *   maxAttempts          GitHub attempts per call, default 5
 *   maxRetryWaitSeconds  longest wait honoured from Retry-After / rate-limit reset, default 30
 *   retryBaseMs          first backoff wait when GitHub names none (5xx), default 1000
 *
 * Hand-checked rather than with zod: it keeps the bundle small and the checks are few. Extra fields are ignored.
 */

export interface WatchedResources {
  distributionIds?: string[];
  functionPrefixes?: string[];
  buckets?: string[];
  /** Role and customer-managed policy names start with one of these. */
  iamNamePrefixes?: string[];
  continuousDeploymentPolicyIds?: string[];
  keyValueStorePrefixes?: string[];
  lambdaFunctionPrefixes?: string[];
  repositoryPrefixes?: string[];
  /** Exact SSM parameter names (the image tags). */
  parameterNames?: string[];
  hostedZoneIds?: string[];
  /** API Gateway REST or HTTP API ids. */
  apiIds?: string[];
}

/** A container function whose image its application team owns. */
export interface AppOwnedContainerFunction {
  function: string;
  repository: string;
  parameter: string;
  /** The team's role ARNs (or `*` patterns). */
  teamPrincipals: string[];
}

export interface RecorderConfig {
  bucket: string;
  prefix: string;
  owner: string;
  repo: string;
  githubApiUrl: string;
  tokenParameter: string;
  automationPrincipals: string[];
  appTeamPrincipals: string[];
  appOwnedFunctions: string[];
  appOwnedContainerFunctions: AppOwnedContainerFunction[];
  watch: WatchedResources;
  label: string;
  environment?: string;
  maxAttempts: number;
  maxRetryWaitSeconds: number;
  retryBaseMs: number;
}

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(`RECORDER_CONFIG ${message}`);
    this.name = "ConfigurationError";
  }
}

const WATCH_FIELDS = [
  "distributionIds",
  "functionPrefixes",
  "buckets",
  "iamNamePrefixes",
  "continuousDeploymentPolicyIds",
  "keyValueStorePrefixes",
  "lambdaFunctionPrefixes",
  "repositoryPrefixes",
  "parameterNames",
  "hostedZoneIds",
  "apiIds",
] as const;

/** Parses and checks RECORDER_CONFIG; throws a ConfigurationError naming the field and what is allowed. */
export function parseConfig(raw: string | undefined): RecorderConfig {
  if (raw === undefined || raw.trim() === "") throw new ConfigurationError("is not set");
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (err) {
    throw new ConfigurationError(`is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(data)) throw new ConfigurationError("must be a JSON object");
  const str = (field: string, fallback?: string): string => {
    const v = data[field] ?? fallback;
    if (typeof v !== "string" || v === "") throw new ConfigurationError(`field "${field}" must be a non-empty string`);
    return v;
  };
  const list = (value: unknown, field: string): string[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every((x) => typeof x === "string" && x !== ""))
      throw new ConfigurationError(`field "${field}" must be an array of non-empty strings`);
    return value as string[];
  };
  const bucket = str("bucket");
  const prefix = data.prefix === undefined ? "records/" : str("prefix");
  if (prefix.startsWith("/")) throw new ConfigurationError('field "prefix" must not start with "/" (S3 keys have no leading slash)');
  const repository = str("repository");
  const m = /^([A-Za-z0-9-]{1,39})\/([A-Za-z0-9_.-]{1,100})$/.exec(repository);
  if (!m) throw new ConfigurationError('field "repository" must be "owner/name"');
  const githubApiUrl = str("githubApiUrl", "https://api.github.com").replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+/.test(githubApiUrl)) throw new ConfigurationError('field "githubApiUrl" must be an http(s) URL');
  const tokenParameter = str("tokenParameter");
  const watchRaw = data.watch ?? {};
  if (!isObject(watchRaw)) throw new ConfigurationError('field "watch" must be an object');
  const watch: WatchedResources = {};
  for (const f of WATCH_FIELDS) if (watchRaw[f] !== undefined) watch[f] = list(watchRaw[f], `watch.${f}`);
  const int = (field: string, fallback: number, min: number, max: number): number => {
    const v = data[field] ?? fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
      throw new ConfigurationError(`field "${field}" must be an integer from ${min} to ${max}`);
    return v;
  };
  const environment = data.environment === undefined ? undefined : str("environment");
  const containersRaw = data.appOwnedContainerFunctions ?? [];
  if (!Array.isArray(containersRaw)) throw new ConfigurationError('field "appOwnedContainerFunctions" must be an array');
  const appOwnedContainerFunctions = containersRaw.map((c: unknown, i): AppOwnedContainerFunction => {
    const at = `appOwnedContainerFunctions[${i}]`;
    if (!isObject(c)) throw new ConfigurationError(`field "${at}" must be an object`);
    const name = (f: string) => {
      if (typeof c[f] !== "string" || c[f] === "") throw new ConfigurationError(`field "${at}.${f}" must be a non-empty string`);
      return c[f] as string;
    };
    return {
      function: name("function"),
      repository: name("repository"),
      parameter: name("parameter"),
      teamPrincipals: list(c.teamPrincipals, `${at}.teamPrincipals`),
    };
  });
  return {
    bucket,
    prefix: prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`,
    owner: m[1],
    repo: m[2],
    githubApiUrl,
    tokenParameter,
    automationPrincipals: list(data.automationPrincipals, "automationPrincipals"),
    appTeamPrincipals: list(data.appTeamPrincipals, "appTeamPrincipals"),
    appOwnedFunctions: list(data.appOwnedFunctions, "appOwnedFunctions"),
    appOwnedContainerFunctions,
    watch,
    label: str("label", "change-recorder"),
    environment,
    maxAttempts: int("maxAttempts", 5, 1, 10),
    maxRetryWaitSeconds: int("maxRetryWaitSeconds", 30, 0, 600),
    retryBaseMs: int("retryBaseMs", 1000, 0, 60000),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
