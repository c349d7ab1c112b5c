import { Aspects, TerraformOutput } from "cdktn";
import { Construct } from "constructs";
import {
  CloudfrontDistribution,
  type CloudfrontDistributionConfig,
  CloudfrontDistributionOrderedCacheBehavior,
} from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { ConstructError } from "../../model/errors";
import { siteBaseName } from "../../model/names";
import type { BehaviorConfig, DistributionConfig } from "../../model/resolved";
import { DEFAULT_BEHAVIOR, FunctionEventType, MANAGED_CACHE_POLICIES, type PriceClass } from "../../model/vocabulary";
import type { PolicyStatement } from "../blocks/policy";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import type { CloudFrontFunction } from "./cloudfront-function";
import { PrivateBucket, type PrivateBucketResources } from "../blocks/private-bucket";
import { SidTags } from "../aspects/sid-tags";

export { FunctionEventType };

/** One CloudFront Function attached to one cache behavior. */
export interface FunctionAssociation {
  /** "default" for the default behavior, otherwise the behavior's path pattern (the schema checked it exists). */
  readonly behavior: string;
  /** The viewer event the function runs on. */
  readonly eventType: FunctionEventType;
  /** The function (its LIVE stage runs): a CloudFrontFunction, or anything with its ARN. */
  readonly function: Pick<CloudFrontFunction, "arn">;
}

/** A cache behavior of the distribution. */
export type SiteBehavior = BehaviorConfig;

/**
 * Extension point: a cache behavior the site declares (its place in the evaluation order and its cache policy are
 * the environment's) served by another origin than the bucket, e.g. a Lambda function URL
 * (modules/lambda/function-url-origin.ts). The behavior then accepts every method and forwards the viewer's headers,
 * cookies and query string except Host (the managed origin request policy AllViewerExceptHostHeader: a function URL
 * answers only to its own host name).
 */
export interface BehaviorOrigin {
  /** Path pattern of one of the site's `behaviors`. */
  readonly pathPattern: string;
  /** Origin id, unique in the distribution. */
  readonly originId: string;
  /** The origin's host name. */
  readonly domainName: string;
  /** Origin access control CloudFront signs requests with. */
  readonly originAccessControlId: string;
  /** Seconds CloudFront waits for a response (1-60). */
  readonly readTimeoutSeconds: number;
}

/** AWS's fixed id of the managed origin request policy AllViewerExceptHostHeader. */
export const ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

export interface StaticSiteProps {
  /** Environment name, the first part of every resource name. */
  readonly envName: string;
  /** AWS account id, for the bucket policy's source-account condition. */
  readonly accountId: string;
  /** Product id; tagged on every resource. */
  readonly sid: string;
  /** Site name, unique in the environment. */
  readonly siteName: string;
  /** Origin bucket name (globally unique), as resolved (config/resolve.ts). */
  readonly bucketName: string;
  /** Distribution comment (at most 128 characters). @default `<env>-<sid>-<site>` */
  readonly comment?: string;
  /** S3 server access logs of the origin bucket: target bucket and key prefix. @default none */
  readonly bucketAccessLogs?: { readonly bucket: string; readonly prefix: string };
  /** Response headers policy of every behavior (security headers). @default none */
  readonly responseHeadersPolicyId?: string;
  /** Web ACL (scope CLOUDFRONT) in front of the distribution, and of a staging copy of it. @default none */
  readonly webAclArn?: string;
  /** Alternate domain names; needs certificateArn. */
  readonly aliases: readonly string[];
  /** ACM certificate in us-east-1 for the aliases. @default CloudFront's default certificate */
  readonly certificateArn?: string;
  /** CloudFront price class. */
  readonly priceClass: PriceClass;
  /** Object served for "/". */
  readonly defaultRootObject: string;
  /** The default cache behavior. */
  readonly defaultBehavior: DistributionConfig["defaultBehavior"];
  /** Ordered cache behaviors, in evaluation order. */
  readonly behaviors: readonly SiteBehavior[];
  /** Standard access logs: an existing bucket and a prefix. @default no access logs */
  readonly logging?: { readonly bucket: string; readonly prefix: string };
  /** Import this existing distribution id instead of creating a new distribution. @default create one */
  readonly adoptDistributionId?: string;
  /** CloudFront Functions to attach; at most one per event type per behavior (the schema checks both). @default none */
  readonly functionAssociations?: readonly FunctionAssociation[];
  /**
   * Distribution attributes that something outside Terraform owns and plans must leave alone; continuous
   * deployment passes PROMOTION_OWNED_ATTRIBUTES (modules/release/continuous-deployment.ts). @default none
   */
  readonly distributionIgnoreChanges?: readonly string[];
  /**
   * A bucket folder ("vendor/") served as it is, outside the release origin path: with continuous deployment the
   * first origin points at `/<release>`, so a replication source's folder gets its own origin (same bucket, no origin
   * path) and a first cache behavior `/<folder>*`. @default none
   */
  readonly unversionedPrefix?: string;
  /** Behaviors served by another origin than the bucket (see BehaviorOrigin). @default none */
  readonly behaviorOrigins?: readonly BehaviorOrigin[];
}

const S3_ORIGIN_ID = "s3-origin";
/** The origin of the unversioned folder: after the release origin, which Configure addresses as Origins.Items[0]. */
const UNVERSIONED_ORIGIN_ID = "s3-unversioned";

/**
 * A static site: a private S3 origin behind a CloudFront distribution through origin access control.
 *
 * Owns: the bucket and its public-access block, encryption, versioning, ownership controls and policy; the origin
 * access control; the distribution's whole configuration, except `distributionIgnoreChanges` (with continuous
 * deployment: the origin, which promotion owns). The bucket policy admits every distribution registered
 * with `allowDistributionRead` (the primary here; a staging distribution may add itself) and denies non-TLS access.
 */
export class StaticSite extends Construct {
  readonly bucket: S3Bucket;
  readonly distribution: CloudfrontDistribution;
  /** The distribution's configuration, so a staging distribution can be built with the same behaviors and functions. */
  readonly distributionConfig: CloudfrontDistributionConfig;
  readonly originAccessControl: CloudfrontOriginAccessControl;
  /** The origin bucket with its hardening and policy. */
  readonly privateBucket: PrivateBucketResources;
  /** The bucket's name, literal. */
  readonly bucketName: string;
  private readonly readerDistributionArns: string[] = [];

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    this.bucketName = props.bucketName;
    const name = siteBaseName(props.envName, props.sid, props.siteName);
    checkBehaviorOrigins(this, props);

    // Versioning lets a bad deploy be rolled back and is required for replication into the bucket.
    this.privateBucket = PrivateBucket.inScope(
      this,
      { bucket: "bucket", ownership: "ownership", publicAccess: "public-access", encryption: "encryption", versioning: "versioning", policy: "policy" },
      { bucket: props.bucketName, versioning: true },
    );
    this.bucket = this.privateBucket.bucket;
    if (props.bucketAccessLogs)
      new S3BucketLoggingA(this, "access-logs", {
        bucket: this.bucket.id,
        targetBucket: props.bucketAccessLogs.bucket,
        targetPrefix: props.bucketAccessLogs.prefix,
      });
    this.privateBucket.addToResourcePolicy({
      Sid: "AllowCloudFrontRead",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "s3:GetObject",
      Resource: `${this.privateBucket.arn}/*`,
      // The list is read when the policy renders at synth, after staging distributions have added themselves.
      Condition: { StringEquals: { "AWS:SourceArn": this.readerDistributionArns, "AWS:SourceAccount": props.accountId } },
    });

    this.originAccessControl = new CloudfrontOriginAccessControl(this, "oac", {
      name,
      description: `${name} origin access`,
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });

    this.distributionConfig = distributionConfigOf(props, name, this.bucket.bucketRegionalDomainName, this.originAccessControl.id);
    this.distribution = new CloudfrontDistribution(this, "distribution", {
      ...this.distributionConfig,
      lifecycle: props.distributionIgnoreChanges?.length ? { ignoreChanges: [...props.distributionIgnoreChanges] } : undefined,
    });
    if (props.adoptDistributionId) this.distribution.importFrom(props.adoptDistributionId);
    // The ids a ticket names and the domain DNS points at, by stable names (`cdktf output <env>`).
    const outputName = props.siteName.replace(/-/g, "_");
    new TerraformOutput(this, "distribution-id", { value: this.distribution.id, description: `${name}: distribution id` }).overrideLogicalId(
      `${outputName}_distribution_id`,
    );
    new TerraformOutput(this, "distribution-domain-name", {
      value: this.distribution.domainName,
      description: `${name}: CloudFront domain name`,
    }).overrideLogicalId(`${outputName}_distribution_domain_name`);
    this.allowDistributionRead(this.distribution.arn);

    Aspects.of(this).add(new SidTags(props.sid));
  }

  /** Admits another distribution (e.g. a staging distribution) to read objects through origin access control. */
  allowDistributionRead(distributionArn: string): void {
    this.readerDistributionArns.push(distributionArn);
  }

  /** Adds a statement to the bucket policy (e.g. for a replication role of another account). */
  addBucketPolicyStatement(statement: PolicyStatement): void {
    this.privateBucket.addToResourcePolicy(statement);
  }
}

/**
 * The distribution's configuration: the bucket origin (and the unversioned one), the container-function origins,
 * the behaviors with their functions, certificate and logging. The staging distribution of continuous deployment
 * copies it.
 */
function distributionConfigOf(props: StaticSiteProps, name: string, bucketDomainName: string, originAccessControlId: string): CloudfrontDistributionConfig {
  const routed = new Map((props.behaviorOrigins ?? []).map((o) => [o.pathPattern, o]));
  const associationsFor = (behavior: string) =>
    (props.functionAssociations ?? []).filter((a) => a.behavior === behavior).map((a) => ({ eventType: a.eventType, functionArn: a.function.arn }));

  return {
    enabled: true,
    comment: props.comment ?? name,
    aliases: props.aliases.length > 0 ? [...props.aliases] : undefined,
    priceClass: props.priceClass,
    defaultRootObject: props.defaultRootObject,
    // HTTP/2 only: continuous deployment does not support HTTP/3.
    httpVersion: "http2",
    isIpv6Enabled: true,
    origin: [
      {
        originId: S3_ORIGIN_ID,
        domainName: bucketDomainName,
        originAccessControlId,
      },
      ...(props.unversionedPrefix ? [{ originId: UNVERSIONED_ORIGIN_ID, domainName: bucketDomainName, originAccessControlId }] : []),
      ...(props.behaviorOrigins ?? []).map((o) => ({
        originId: o.originId,
        domainName: o.domainName,
        originAccessControlId: o.originAccessControlId,
        customOriginConfig: {
          httpPort: 80,
          httpsPort: 443,
          originProtocolPolicy: "https-only",
          originSslProtocols: ["TLSv1.2"],
          originReadTimeout: o.readTimeoutSeconds,
        },
      })),
    ],
    defaultCacheBehavior: {
      targetOriginId: S3_ORIGIN_ID,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD", "OPTIONS"],
      cachedMethods: ["GET", "HEAD"],
      cachePolicyId: MANAGED_CACHE_POLICIES[props.defaultBehavior.cachePolicy],
      responseHeadersPolicyId: props.responseHeadersPolicyId,
      compress: props.defaultBehavior.compress,
      functionAssociation: associationsFor(DEFAULT_BEHAVIOR),
    },
    orderedCacheBehavior: [
      ...(props.unversionedPrefix
        ? [
            {
              pathPattern: `/${props.unversionedPrefix}*`,
              targetOriginId: UNVERSIONED_ORIGIN_ID,
              viewerProtocolPolicy: "redirect-to-https",
              allowedMethods: ["GET", "HEAD", "OPTIONS"],
              cachedMethods: ["GET", "HEAD"],
              cachePolicyId: MANAGED_CACHE_POLICIES[props.defaultBehavior.cachePolicy],
              responseHeadersPolicyId: props.responseHeadersPolicyId,
              compress: props.defaultBehavior.compress,
            },
          ]
        : []),
      ...props.behaviors.map((b): CloudfrontDistributionOrderedCacheBehavior => {
        const other = routed.get(b.pathPattern!);
        return {
          pathPattern: b.pathPattern!,
          targetOriginId: other?.originId ?? S3_ORIGIN_ID,
          viewerProtocolPolicy: "redirect-to-https",
          allowedMethods: other ? ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"] : ["GET", "HEAD", "OPTIONS"],
          cachedMethods: ["GET", "HEAD"],
          cachePolicyId: MANAGED_CACHE_POLICIES[b.cachePolicy],
          responseHeadersPolicyId: props.responseHeadersPolicyId,
          originRequestPolicyId: other ? ALL_VIEWER_EXCEPT_HOST_HEADER : undefined,
          compress: b.compress,
          functionAssociation: associationsFor(b.pathPattern!),
        };
      }),
    ],
    restrictions: { geoRestriction: { restrictionType: "none" } },
    viewerCertificate: props.certificateArn
      ? { acmCertificateArn: props.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" }
      : { cloudfrontDefaultCertificate: true },
    loggingConfig: props.logging ? { bucket: `${props.logging.bucket}.s3.amazonaws.com`, prefix: props.logging.prefix, includeCookies: false } : undefined,
    // CloudFront takes the web ACL's ARN (WAFv2) in web_acl_id.
    webAclId: props.webAclArn,
  };
}

/** Wiring invariant (the manifest schema checks what users write): a routed behavior exists and has one origin. */
function checkBehaviorOrigins(scope: Construct, props: StaticSiteProps): void {
  const known = new Set(props.behaviors.map((b) => b.pathPattern!));
  const seen = new Set<string>();
  for (const o of props.behaviorOrigins ?? []) {
    if (!known.has(o.pathPattern))
      ConstructError.fail(scope, `no cache behavior "${o.pathPattern}" for origin ${o.originId}; declared: ${[...known].join(", ") || "(none)"}`);
    if (seen.has(o.pathPattern)) ConstructError.fail(scope, `two origins for behavior "${o.pathPattern}"; a behavior has one origin`);
    seen.add(o.pathPattern);
  }
}
