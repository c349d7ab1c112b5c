/**
 * The project's vocabularies, defined once. Each is a frozen object of its values plus a type of the same name, so
 * zod (`z.enum(Object.values(X))` via the `*_VALUES` tuples), the constructs and the environment files share one
 * definition: a literal such as `"created"` in an environment file and `InvalidationEvent.CREATED` in code are the
 * same type, and no cast is ever needed between configuration and constructs.
 */

/** Builds the tuple zod's `z.enum` takes from a vocabulary object. */
function values<const T extends Record<string, string>>(v: T): [T[keyof T], ...T[keyof T][]] {
  return Object.values(v) as [T[keyof T], ...T[keyof T][]];
}

/** The viewer events a CloudFront Function can run on (origin events are Lambda@Edge only). */
export const FunctionEventType = { VIEWER_REQUEST: "viewer-request", VIEWER_RESPONSE: "viewer-response" } as const;
export type FunctionEventType = (typeof FunctionEventType)[keyof typeof FunctionEventType];
export const FUNCTION_EVENT_TYPES = values(FunctionEventType);

/** The CloudFront Functions JavaScript runtimes. */
export const Cf2Runtime = { JS_1_0: "cloudfront-js-1.0", JS_2_0: "cloudfront-js-2.0" } as const;
export type Cf2Runtime = (typeof Cf2Runtime)[keyof typeof Cf2Runtime];
export const CF2_RUNTIMES = values(Cf2Runtime);

/** Who changes a CloudFront Function's code after creation. */
export const FunctionOwner = {
  /** The application team develops, tests and publishes it; Terraform creates it as a pass-through. */
  APP: "app",
  /** The code in the repository is the truth; Terraform uploads and publishes it on every change. */
  INFRA: "infra",
} as const;
export type FunctionOwner = (typeof FunctionOwner)[keyof typeof FunctionOwner];
export const FUNCTION_OWNERS = values(FunctionOwner);

/** S3 events that trigger an invalidation: objects created (uploads, replication) and removed. */
export const InvalidationEvent = { CREATED: "created", REMOVED: "removed" } as const;
export type InvalidationEvent = (typeof InvalidationEvent)[keyof typeof InvalidationEvent];
export const INVALIDATION_EVENTS = values(InvalidationEvent);

/** How a batch of changes becomes invalidation paths (functions/invalidator/paths.ts). */
export const InvalidationPaths = {
  /** "/*": one billed path per distribution and batch. */
  WILDCARD: "wildcard",
  /** The changed objects' paths (index documents also as their directories); "/*" above maxPaths. */
  CHANGED: "changed",
} as const;
export type InvalidationPaths = (typeof InvalidationPaths)[keyof typeof InvalidationPaths];
export const INVALIDATION_PATH_MODES = values(InvalidationPaths);

/** The two kinds of application-team role. */
export const AppTeamRoleKind = { MAINTENANCE: "maintenance", CICD: "cicd" } as const;
export type AppTeamRoleKind = (typeof AppTeamRoleKind)[keyof typeof AppTeamRoleKind];

/** CloudFront price classes. */
export const PRICE_CLASSES = ["PriceClass_All", "PriceClass_200", "PriceClass_100"] as const;
export type PriceClass = (typeof PRICE_CLASSES)[number];

/**
 * Managed cache policies by name; the ids are AWS's fixed ids for these policies
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html).
 */
export const MANAGED_CACHE_POLICIES = {
  CachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  CachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  CachingOptimizedForUncompressedObjects: "b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
} as const;
export type ManagedCachePolicy = keyof typeof MANAGED_CACHE_POLICIES;
export const MANAGED_CACHE_POLICY_NAMES = Object.keys(MANAGED_CACHE_POLICIES) as [ManagedCachePolicy, ...ManagedCachePolicy[]];

/** Regions where this project may place its main resources (commercial partition). */
export const AWS_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-7",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-south-1",
  "eu-south-2",
  "eu-north-1",
  "il-central-1",
  "me-south-1",
  "me-central-1",
  "mx-central-1",
  "sa-east-1",
] as const;
export type AwsRegion = (typeof AWS_REGIONS)[number];

/** The "behavior" of a function association that means the distribution's default cache behavior. */
export const DEFAULT_BEHAVIOR = "default";
