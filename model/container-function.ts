/**
 * Container-image Lambda functions: vocabulary, limits and every name the feature derives. Imports nothing from
 * config/ or modules/, so the schema (config/functions/lambda/) and the constructs (modules/container-function.ts)
 * share one source of truth.
 */

/** Who decides which image runs after the function exists. */
export const ImageOwner = {
  /**
   * The application team: its pipeline pushes, calls UpdateFunctionCode and writes the tag parameter. Terraform never
   * changes the image; creating or re-creating the function uses the tag the parameter names.
   */
  APP: "app",
  /** The parameter is the truth: the next apply deploys the tag it names and reverts a code update made elsewhere. */
  INFRA: "infra",
} as const;
export type ImageOwner = (typeof ImageOwner)[keyof typeof ImageOwner];
export const IMAGE_OWNERS = [ImageOwner.APP, ImageOwner.INFRA] as const;

/** Instruction set of the image; the pipeline must build for the same one. */
export const LambdaArchitecture = { ARM64: "arm64", X86_64: "x86_64" } as const;
export type LambdaArchitecture = (typeof LambdaArchitecture)[keyof typeof LambdaArchitecture];
export const LAMBDA_ARCHITECTURES = [LambdaArchitecture.ARM64, LambdaArchitecture.X86_64] as const;

/** The `docker buildx --platform` value of each architecture (used by the example workflow and the runbook). */
export const DOCKER_PLATFORM: Record<LambdaArchitecture, string> = {
  [LambdaArchitecture.ARM64]: "linux/arm64",
  [LambdaArchitecture.X86_64]: "linux/amd64",
};

/** Limits AWS enforces at apply time, checked at synth instead. */
export const CONTAINER_FUNCTION_LIMITS = {
  /** Lambda: function names are at most 64 characters. */
  functionNameLength: 64,
  /** Lambda: 128-10,240 MB of memory. */
  memoryMb: { min: 128, max: 10240 },
  /** Lambda: 1-900 seconds. */
  timeoutSeconds: { min: 1, max: 900 },
  /**
   * CloudFront: an origin's response timeout is 1-60 seconds without a quota increase, so a function behind a
   * distribution must answer within that.
   */
  originTimeoutSeconds: 60,
  /** ECR lifecycle: keep at least 2 images (the running one and the one before it, for a rollback). */
  imagesToKeep: { min: 2, max: 1000 },
  /** Lambda: reserved concurrency; 0 would throttle every invocation, so it is not offered. */
  reservedConcurrency: { min: 1, max: 1000 },
  /** Lambda: all environment variables together at most 4 KB. */
  environmentBytes: 4096,
} as const;

/** Defaults applied once, by the schema. */
export const CONTAINER_FUNCTION_DEFAULTS: { memoryMb: number; timeoutSeconds: number; architecture: LambdaArchitecture; imagesToKeep: number } = {
  memoryMb: 512,
  timeoutSeconds: 30,
  architecture: LambdaArchitecture.ARM64,
  imagesToKeep: 10,
};

/**
 * Manifest names: lowercase words joined by single hyphens, so that `<env>-<sid>-<name>` is a valid function name,
 * IAM role name and ECR repository name (ECR forbids doubled separators).
 */
export const CONTAINER_FUNCTION_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Environment variable names Lambda reserves (Lambda developer guide, "Defined runtime environment variables":
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 */
export const RESERVED_ENVIRONMENT_VARIABLES = [
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
] as const;
export const ENVIRONMENT_VARIABLE_NAME = /^[a-zA-Z][a-zA-Z0-9_]*$/;

/** The value the tag parameter is created with; the function then runs the bootstrap image. */
export const INITIAL_IMAGE_TAG = "initial";

/**
 * The bootstrap image (functions/lambda-bootstrap/): published once per account and region by the infrastructure
 * team, before the first container function there. A new function starts on it, so it can be created in the same
 * apply as its repository, before the application team has pushed anything. Tags are immutable; a new bootstrap
 * image gets a new version here.
 */
export const BOOTSTRAP_REPOSITORY = "edge-lambda-bootstrap";
export const BOOTSTRAP_VERSION = "v1";
export function bootstrapImageTag(architecture: LambdaArchitecture): string {
  return `${architecture}-${BOOTSTRAP_VERSION}`;
}

/** `<account>.dkr.ecr.<region>.amazonaws.com`: the account's private registry in a region. */
export function registryHost(accountId: string, region: string): string {
  return `${accountId}.dkr.ecr.${region}.amazonaws.com`;
}

export function bootstrapImageUri(accountId: string, region: string, architecture: LambdaArchitecture): string {
  return `${registryHost(accountId, region)}/${BOOTSTRAP_REPOSITORY}:${bootstrapImageTag(architecture)}`;
}

/** The AWS function name, `<env>-<sid>-<name>`; the application-team policy matches on this prefix. */
export function containerFunctionName(env: string, sid: string, name: string): string {
  return `${env}-${sid}-${name}`;
}

/** The function's ECR repository: the same name as the function. */
export function containerFunctionRepositoryName(env: string, sid: string, name: string): string {
  return containerFunctionName(env, sid, name);
}

/** The SSM parameter holding the image tag the function runs (or, for `infra`, must run). */
export function imageTagParameterName(env: string, sid: string, name: string): string {
  return `/edge/${env}/${sid}/${name}/image-tag`;
}

/** Resource tag on every container function, read by the application-team policy (`aws:ResourceTag/image-owner`). */
export const IMAGE_OWNER_TAG = "image-owner";

/** Name of the environment's shared application-team policy for container functions. */
export function containerFunctionAppTeamPolicyName(env: string): string {
  return `${env}-lambda-app-team`;
}

/**
 * Names the stack already gives other resources of `<env>-<sid>-...`; a manifest name that produced one would
 * collide with them (IAM role, Lambda function and origin access control names are unique per account). A site's
 * resources are `<env>-<sid>-<site>` (its origin access control) and `<env>-<sid>-<site>-...` (invalidator function
 * and role, release roles and state machines), so a function name may neither equal a site of the product nor
 * start with one followed by "-".
 */
export function reservedContainerFunctionNameProblem(name: string, siteNames: string[]): string | undefined {
  if (name === "cf2-maintenance" || name === "cf2-cicd") return "is the name of the product's application-team role";
  const site = siteNames.find((s) => name === s || name.startsWith(`${s}-`));
  if (site) return `is in the name space of site "${site}" (its origin access control, invalidator and release resources are named after it)`;
  return undefined;
}

/** A container function of one environment, resolved (config/functions/lambda/resolve.ts): defaults applied, names computed. */
export interface ResolvedContainerFunction {
  /** The manifest (directory) name. */
  readonly name: string;
  /** `<env>-<sid>-<name>`: the function's and its role's name. */
  readonly functionName: string;
  readonly repositoryName: string;
  /** `/edge/<env>/<sid>/<name>/image-tag`. */
  readonly parameterName: string;
  readonly sid: string;
  readonly ticket: string;
  readonly owner: ImageOwner;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly architecture: LambdaArchitecture;
  readonly imagesToKeep: number;
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly reservedConcurrency?: number;
  /** The manifest's retentionDays, or the environment's logRetentionDays. */
  readonly logRetentionDays: number;
  /** The image while the parameter is still INITIAL_IMAGE_TAG. */
  readonly bootstrapImageUri: string;
  /** The site behavior that routes to the function (checked to exist on a site without continuous deployment). */
  readonly origin?: { readonly site: string; readonly pathPattern: string };
}
