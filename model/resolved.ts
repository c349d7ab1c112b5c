/**
 * Resolved configuration: what the stacks hand to the modules, produced once per environment by
 * config/resolve.ts from the validated environment files and CloudFront Function manifests. Every default is
 * applied, every name computed and every cross reference (alsoInvalidate, function associations) checked and
 * resolved to a name the stack can look up. Modules take these slices (and construct references), never the raw
 * configuration; the schema's output is checked against these types at compile time in config/resolve.ts.
 */
import type { ResolvedWaf } from "./waf";
import type { ResolvedDeployRoles } from "./deploy-roles";
import type { ResolvedChangeRecorder } from "./change-recorder";
import type { ResolvedContainerFunction } from "./container-function";
import type { ReleaseParameterNames } from "./names";
import type {
  AwsRegion,
  Cf2Runtime,
  FunctionEventType,
  FunctionOwner,
  InvalidationEvent,
  InvalidationPaths,
  ManagedCachePolicy,
  PriceClass,
} from "./vocabulary";

/** A cache behavior of a distribution. */
export interface BehaviorConfig {
  /** Path pattern; absent for the default behavior. */
  readonly pathPattern?: string;
  /** Managed cache policy by name. */
  readonly cachePolicy: ManagedCachePolicy;
  /** Compress objects for viewers that accept it. */
  readonly compress: boolean;
}

/** A site's distribution, as configured (defaults applied). */
export interface DistributionConfig {
  readonly id?: string;
  readonly adopt: boolean;
  readonly comment?: string;
  readonly aliases: readonly string[];
  readonly certificateArn?: string;
  readonly priceClass: PriceClass;
  readonly defaultRootObject: string;
  readonly defaultBehavior: Omit<BehaviorConfig, "pathPattern">;
  readonly behaviors: readonly (BehaviorConfig & { readonly pathPattern: string })[];
  readonly logging?: { readonly bucket: string; readonly prefix: string };
}

/** How viewers reach the staging distribution. */
export type TrafficConfig =
  | { readonly type: "header"; readonly header: string; readonly value: string }
  | {
      readonly type: "weight";
      readonly weight: number;
      readonly sessionStickiness?: { readonly idleTtlSeconds: number; readonly maximumTtlSeconds: number };
      /** The header route testers use before approval; the weight starts only after it. */
      readonly testRoute: { readonly header: string; readonly value: string };
    };

/** Where a release pipeline takes the site's source from. */
export type PipelineSourceConfig =
  | { readonly type: "codestar"; readonly connectionArn: string; readonly repository: string; readonly branch: string }
  | { readonly type: "s3"; readonly bucket: string; readonly key: string };

/** A site's release pipeline (defaults applied). */
export interface PipelineConfig {
  readonly source: PipelineSourceConfig;
  readonly buildspec: string;
  readonly buildImage: string;
  readonly approvalTopicArn?: string;
}

/** A site's invalidation, defaults applied and names computed. */
export interface ResolvedInvalidation {
  readonly events: readonly InvalidationEvent[];
  readonly prefix?: string;
  readonly suffix?: string;
  readonly paths: InvalidationPaths;
  readonly maxPaths: number;
  readonly batchingWindowSeconds: number;
  readonly maxReceiveCount: number;
  /** Other sites of the environment (by name, each known to exist) whose distributions also serve the bucket. */
  readonly alsoInvalidate: readonly string[];
  readonly replicationSourceRoleArn?: string;
  /** The only folder ("vendor/") the replication role may write; absent = the whole bucket. */
  readonly replicationPrefix?: string;
  /** The Lambda function's (and its role's) name. */
  readonly functionName: string;
  /** The object directory URLs serve: the distribution's defaultRootObject. */
  readonly indexDocument: string;
  /** Retention of the function's log group: the environment's logRetentionDays. */
  readonly logRetentionDays: number;
}

/** A site's continuous deployment, defaults applied and names computed. */
export interface ResolvedContinuousDeployment {
  readonly traffic: TrafficConfig;
  readonly pipeline?: PipelineConfig;
  /** SSM parameter names of the site's release. */
  readonly parameterNames: ReleaseParameterNames;
  /** Retention of the pipeline's log groups: the environment's logRetentionDays. */
  readonly logRetentionDays: number;
}

/** A CloudFront Function attached to one cache behavior of a site. */
export interface ResolvedAssociation {
  /** The manifest name of the function (EdgeStack.functions key). */
  readonly function: string;
  /** "default" or the behavior's path pattern (known to exist on the site). */
  readonly behavior: string;
  readonly eventType: FunctionEventType;
}

export interface ResolvedSite {
  readonly name: string;
  readonly sid: string;
  /** `<env>-<sid>-<site>`, the start of every resource name of the site. */
  readonly baseName: string;
  /** The origin bucket: the configured bucketName or `<env>-<sid>-<site>-<account>`. */
  readonly bucketName: string;
  readonly distribution: DistributionConfig;
  /** Functions on this site's behaviors, at most one per event type and behavior. */
  readonly functionAssociations: readonly ResolvedAssociation[];
  readonly invalidation?: ResolvedInvalidation;
  readonly continuousDeployment?: ResolvedContinuousDeployment;
  /** A bucket folder served outside the release origin path (a replication source's, under continuous deployment). */
  readonly unversionedPrefix?: string;
  /** The web ACL in front of the distribution. */
  readonly waf?: ResolvedWaf;
  /** The response headers policy of every behavior; undefined when the site opts out. */
  readonly responseHeadersPolicyId?: string;
  /** Where the origin bucket's S3 server access logs go. */
  readonly bucketAccessLogs?: { readonly bucket: string; readonly prefix: string };
}

/** A CloudFront Function of one environment. */
export interface ResolvedFunction {
  /** The manifest (directory) name. */
  readonly name: string;
  /** The AWS name `<env>-<sid>-<name>`. */
  readonly functionName: string;
  readonly sid: string;
  readonly ticket: string;
  readonly owner: FunctionOwner;
  readonly runtime: Cf2Runtime;
  /** The comment: ticket key first. */
  readonly comment: string;
  /** The code exactly as built and checked. */
  readonly code: string;
  /** The manifest's retentionDays, or the environment's logRetentionDays. */
  readonly logRetentionDays: number;
  /** The key value store the code reads: one this stack creates (by AWS name), or an existing one (by ARN). */
  readonly keyValueStore?: ResolvedKeyValueStore;
}

/** A function's key value store (model/cf2-key-value-store.ts). */
export type ResolvedKeyValueStore =
  | {
      /** AWS name `<env>-<sid>-<name>`. */ readonly name: string;
      /** The manifest's name, for construct ids. */ readonly localName: string;
      readonly comment: string;
    }
  | { readonly arn: string };

/** A product's application-team roles. */
export interface ResolvedAppTeam {
  readonly sid: string;
  readonly maintenance?: { readonly permissionSets: readonly string[]; readonly maxSessionHours: number };
  readonly cicd?: {
    readonly repository: string;
    readonly environment: string;
    readonly maxSessionHours: number;
    /** The repository's and its owner's numeric ids, pinned in the trust. */
    readonly repositoryId: string;
    readonly ownerId: string;
    /** `job_workflow_ref` the trust pins, if any. */
    readonly workflowRef?: string;
  };
}

export type BackendConfig =
  | {
      readonly type: "s3";
      readonly bucket: string;
      readonly key: string;
      readonly region: AwsRegion;
      readonly encrypt: true;
      readonly kmsKeyId?: string;
      readonly useLockfile: boolean;
      readonly dynamodbTable?: string;
    }
  | { readonly type: "local"; readonly path: string };

/** One environment, ready for its stack. */
export interface ResolvedEnvironment {
  readonly name: string;
  readonly accountId: string;
  readonly region: AwsRegion;
  readonly backend: BackendConfig;
  /** Tags the providers put on every taggable resource. */
  readonly defaultTags: Readonly<Record<string, string>>;
  readonly logRetentionDays: number;
  /** Customer managed KMS key of each region's log groups, by region; undefined: AWS-owned encryption. */
  readonly logKmsKeyArns?: Readonly<Record<string, string>>;
  /** Customer managed KMS key of each region's SQS queues and SNS topics, by region; undefined: SSE-SQS, unencrypted topics. */
  readonly messageKmsKeyArns?: Readonly<Record<string, string>>;
  readonly sites: readonly ResolvedSite[];
  readonly functions: readonly ResolvedFunction[];
  /** Container-image Lambda functions (functions/lambda/<name>) that list this environment. */
  readonly containerFunctions: readonly ResolvedContainerFunction[];
  /** Products with application-team access. */
  readonly appTeams: readonly ResolvedAppTeam[];
  /** The GitHub OIDC provider: created (`{}`) or referenced; undefined when no product needs it. */
  readonly githubOidc?: { readonly existingProviderArn?: string };
  /** The infrastructure team's plan and apply roles (config/deploy-roles.ts); undefined when not configured. */
  readonly deployRoles?: ResolvedDeployRoles;
  /** Safeguards (config/security.ts), every flag set. */
  readonly security: SecuritySettings;
  /** Where alarms go; undefined = no alarms. */
  readonly alarms?: AlarmsConfig;
  /** The account's change recorder, when this environment enables it (model/change-recorder.ts). */
  readonly changeRecorder?: ResolvedChangeRecorder;
}

/** An environment's safeguards. */
export interface SecuritySettings {
  /** Every distribution has a certificate (TLSv1.2_2021) and an alias (checked by the schema). */
  readonly requireCertificate: boolean;
  /** Every distribution writes standard logs (checked by the schema). */
  readonly requireLogging: boolean;
  /** prevent_destroy / skip_destroy on what must survive a mistaken plan (modules/aspects/deletion-protection.ts). */
  readonly protectFromDeletion: boolean;
  /** Maintenance (console) roles may not update or publish functions (modules/access/app-team-guards.ts). */
  readonly liveChangesOnlyThroughCicd: boolean;
}

/** The alarm topic: an existing one, or one created with these e-mail subscriptions. */
export interface AlarmsConfig {
  readonly topicArn?: string;
  readonly emails: readonly string[];
}
