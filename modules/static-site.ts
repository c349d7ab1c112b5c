import { Aspects, Lazy, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import {
  CloudfrontDistribution,
  type CloudfrontDistributionConfig,
  CloudfrontDistributionOrderedCacheBehavior,
} from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { MANAGED_CACHE_POLICIES, type ManagedCachePolicy } from "../environments/schema";
import { policyJson, type PolicyStatement } from "./policy";
import { SidTags } from "./sid-tags";

/** The viewer events a CloudFront Function can run on. */
export enum FunctionEventType {
  VIEWER_REQUEST = "viewer-request",
  VIEWER_RESPONSE = "viewer-response",
}

/** One CloudFront Function attached to one cache behavior. */
export interface FunctionAssociation {
  /** "default" for the default behavior, otherwise the behavior's path pattern. */
  behavior: string;
  /** The viewer event the function runs on. */
  eventType: FunctionEventType;
  /** ARN of the function (its LIVE stage runs). */
  functionArn: string;
}

/** A cache behavior of the distribution. */
export interface SiteBehavior {
  /** Path pattern; omitted for the default behavior. */
  pathPattern?: string;
  /** Managed cache policy by name. */
  cachePolicy: ManagedCachePolicy;
  /** Compress objects for viewers that accept it. */
  compress: boolean;
}

/**
 * Extension point: a cache behavior the site declares (its place in the evaluation order and its cache policy are
 * the environment's) served by another origin than the bucket, e.g. a Lambda function URL
 * (modules/function-url-origin.ts). The behavior then accepts every method and forwards the viewer's headers,
 * cookies and query string except Host (the managed origin request policy AllViewerExceptHostHeader: a function URL
 * answers only to its own host name).
 */
export interface BehaviorOrigin {
  /** Path pattern of one of the site's `behaviors`. */
  pathPattern: string;
  /** Origin id, unique in the distribution. */
  originId: string;
  /** The origin's host name. */
  domainName: string;
  /** Origin access control CloudFront signs requests with. */
  originAccessControlId: string;
  /** Seconds CloudFront waits for a response (1-60). */
  readTimeoutSeconds: number;
}

/** AWS's fixed id of the managed origin request policy AllViewerExceptHostHeader. */
export const ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

export interface StaticSiteProps {
  /** Environment name, the first part of every resource name. */
  envName: string;
  /** AWS account id, for the bucket policy's source-account condition. */
  accountId: string;
  /** Product id; tagged on every resource. */
  sid: string;
  /** Site name, unique in the environment. */
  siteName: string;
  /** Origin bucket name (globally unique). */
  bucketName: string;
  /** Distribution comment (at most 128 characters). */
  comment?: string;
  /** Alternate domain names; needs certificateArn. */
  aliases: string[];
  /** ACM certificate in us-east-1 for the aliases. */
  certificateArn?: string;
  /** CloudFront price class. */
  priceClass: string;
  /** Object served for "/". */
  defaultRootObject: string;
  /** The default cache behavior. */
  defaultBehavior: Omit<SiteBehavior, "pathPattern">;
  /** Ordered cache behaviors, in evaluation order. */
  behaviors: SiteBehavior[];
  /** Standard access logs: an existing bucket and a prefix. */
  logging?: { bucket: string; prefix: string };
  /** Import this existing distribution id instead of creating a new distribution. */
  adoptDistributionId?: string;
  /** CloudFront Functions to attach; at most one per event type per behavior. */
  functionAssociations?: FunctionAssociation[];
  /**
   * Distribution attributes that something outside Terraform owns and plans must leave alone; continuous
   * deployment passes PROMOTION_OWNED_ATTRIBUTES (modules/continuous-deployment.ts). Default: none.
   */
  distributionIgnoreChanges?: string[];
  /** Behaviors served by another origin than the bucket (see BehaviorOrigin). @default none */
  readonly behaviorOrigins?: BehaviorOrigin[];
}

const S3_ORIGIN_ID = "s3-origin";

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
  private readonly readerDistributionArns: string[] = [];
  private readonly extraBucketStatements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    const name = `${props.envName}-${props.sid}-${props.siteName}`;
    validateAssociations(name, props);
    validateBehaviorOrigins(name, props);
    const routed = new Map((props.behaviorOrigins ?? []).map((o) => [o.pathPattern, o]));

    this.bucket = new S3Bucket(this, "bucket", { bucket: props.bucketName });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    });
    // Versioning lets a bad deploy be rolled back and is required for replication into the bucket.
    new S3BucketVersioningA(this, "versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });

    this.originAccessControl = new CloudfrontOriginAccessControl(this, "oac", {
      name,
      description: `${name} origin access`,
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });

    const associationsFor = (behavior: string) =>
      (props.functionAssociations ?? [])
        .filter((a) => a.behavior === behavior)
        .map((a) => ({ eventType: a.eventType, functionArn: a.functionArn }));

    this.distributionConfig = {
      enabled: true,
      comment: props.comment ?? name,
      aliases: props.aliases.length > 0 ? props.aliases : undefined,
      priceClass: props.priceClass,
      defaultRootObject: props.defaultRootObject,
      // HTTP/2 only: continuous deployment does not support HTTP/3.
      httpVersion: "http2",
      isIpv6Enabled: true,
      origin: [
        {
          originId: S3_ORIGIN_ID,
          domainName: this.bucket.bucketRegionalDomainName,
          originAccessControlId: this.originAccessControl.id,
        },
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
        compress: props.defaultBehavior.compress,
        functionAssociation: associationsFor("default"),
      },
      orderedCacheBehavior: props.behaviors.map((b): CloudfrontDistributionOrderedCacheBehavior => {
        const other = routed.get(b.pathPattern!);
        return {
          pathPattern: b.pathPattern!,
          targetOriginId: other?.originId ?? S3_ORIGIN_ID,
          viewerProtocolPolicy: "redirect-to-https",
          allowedMethods: other ? ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"] : ["GET", "HEAD", "OPTIONS"],
          cachedMethods: ["GET", "HEAD"],
          cachePolicyId: MANAGED_CACHE_POLICIES[b.cachePolicy],
          originRequestPolicyId: other ? ALL_VIEWER_EXCEPT_HOST_HEADER : undefined,
          compress: b.compress,
          functionAssociation: associationsFor(b.pathPattern!),
        };
      }),
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: props.certificateArn
        ? { acmCertificateArn: props.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" }
        : { cloudfrontDefaultCertificate: true },
      loggingConfig: props.logging
        ? { bucket: `${props.logging.bucket}.s3.amazonaws.com`, prefix: props.logging.prefix, includeCookies: false }
        : undefined,
    };
    this.distribution = new CloudfrontDistribution(this, "distribution", {
      ...this.distributionConfig,
      lifecycle: props.distributionIgnoreChanges?.length ? { ignoreChanges: props.distributionIgnoreChanges } : undefined,
    });
    if (props.adoptDistributionId) this.distribution.importFrom(props.adoptDistributionId);
    // The ids a ticket names and the domain DNS points at, by stable names (`cdktf output <env>`).
    const outputName = props.siteName.replace(/-/g, "_");
    new TerraformOutput(this, "distribution-id", { value: this.distribution.id, description: `${name}: distribution id` }).overrideLogicalId(`${outputName}_distribution_id`);
    new TerraformOutput(this, "distribution-domain-name", { value: this.distribution.domainName, description: `${name}: CloudFront domain name` }).overrideLogicalId(`${outputName}_distribution_domain_name`);
    this.allowDistributionRead(this.distribution.arn);

    new S3BucketPolicy(this, "policy", {
      bucket: this.bucket.id,
      // Rendered at synth time, after other constructs have registered their readers and statements.
      policy: Lazy.stringValue({ produce: () => this.renderBucketPolicy(props.bucketName, props.accountId) }),
      // S3 rejects a policy while the public access block is being applied.
      dependsOn: [publicAccess],
    });

    Aspects.of(this).add(new SidTags(props.sid));
  }

  /** Admits another distribution (e.g. a staging distribution) to read objects through origin access control. */
  allowDistributionRead(distributionArn: string): void {
    this.readerDistributionArns.push(distributionArn);
  }

  /** Adds a statement to the bucket policy (e.g. for a replication role of another account). */
  addBucketPolicyStatement(statement: PolicyStatement): void {
    this.extraBucketStatements.push(statement);
  }

  private renderBucketPolicy(bucketName: string, accountId: string): string {
    // The literal name, not a reference, so the plan shows the whole policy.
    const bucketArn = `arn:aws:s3:::${bucketName}`;
    return policyJson({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [bucketArn, `${bucketArn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
          Sid: "AllowCloudFrontRead",
          Effect: "Allow",
          Principal: { Service: "cloudfront.amazonaws.com" },
          Action: "s3:GetObject",
          Resource: `${bucketArn}/*`,
          Condition: {
            StringEquals: { "AWS:SourceArn": this.readerDistributionArns, "AWS:SourceAccount": accountId },
          },
        },
        ...this.extraBucketStatements,
      ],
    });
  }
}

function validateAssociations(name: string, props: StaticSiteProps): void {
  const known = new Set(["default", ...props.behaviors.map((b) => b.pathPattern!)]);
  const seen = new Set<string>();
  for (const a of props.functionAssociations ?? []) {
    if (!known.has(a.behavior))
      throw new Error(`${name}: no cache behavior "${a.behavior}"; known: ${[...known].join(", ")}`);
    const key = `${a.behavior} ${a.eventType}`;
    if (seen.has(key))
      throw new Error(`${name}: two functions on ${a.eventType} of behavior "${a.behavior}"; CloudFront allows one per event type per behavior`);
    seen.add(key);
  }
}

function validateBehaviorOrigins(name: string, props: StaticSiteProps): void {
  const known = new Set(props.behaviors.map((b) => b.pathPattern!));
  const seen = new Set<string>();
  for (const o of props.behaviorOrigins ?? []) {
    if (!known.has(o.pathPattern)) throw new Error(`${name}: no cache behavior "${o.pathPattern}" for origin ${o.originId}; declared: ${[...known].join(", ") || "(none)"}`);
    if (seen.has(o.pathPattern)) throw new Error(`${name}: two origins for behavior "${o.pathPattern}"; a behavior has one origin`);
    seen.add(o.pathPattern);
  }
}
