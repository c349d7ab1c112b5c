import { Lazy, type TerraformProvider } from "cdktn";
import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { ConstructError } from "../../model/errors";
import { s3BucketArn } from "../../model/names";
import { policyJson, type PolicyStatement } from "./policy";

/** Construct ids of a private bucket's resources, created directly in the owner's scope. */
export interface PrivateBucketIds {
  readonly bucket: string;
  readonly ownership: string;
  readonly publicAccess: string;
  readonly encryption: string;
  readonly policy: string;
  /** The versioning configuration; required when `versioning` is true. @default none */
  readonly versioning?: string;
}

export interface PrivateBucketProps {
  /** Exact bucket name (globally unique); the policy then names it literally. @default a name Terraform generates from `bucketPrefix` */
  readonly bucket?: string;
  /** Prefix for a generated name, when `bucket` is not set. @default none */
  readonly bucketPrefix?: string;
  /** Keep every object version (rollback, replication into the bucket). @default false */
  readonly versioning?: boolean;
  /** Let Terraform delete the bucket with its objects (build artifacts only). @default not set (false) */
  readonly forceDestroy?: boolean;
  /** Provider of another region (e.g. us-east-1). @default the scope's default provider */
  readonly provider?: TerraformProvider;
}

/** A private bucket's resources and its resource policy. */
export interface PrivateBucketResources {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;
  /** The versioning resource, when `versioning` is set (lifecycle rules on noncurrent versions depend on it). */
  readonly versioning?: S3BucketVersioningA;
  /** The bucket's ARN: literal when the name is known, so plans show the policies whole. */
  readonly arn: string;
  /** Adds a statement to the bucket's resource policy (after the TLS-only deny); rendered at synth. */
  addToResourcePolicy(statement: PolicyStatement): void;
}

/**
 * The project's hardened bucket: public access blocked, SSE-S3 with a bucket key, object ownership enforced (ACLs
 * off), and a resource policy that denies non-TLS access. Other constructs add statements to the policy
 * (`addToResourcePolicy`); it is rendered at synth, after every construct had its say.
 *
 * Owns: the bucket, its public-access block, encryption, ownership controls, versioning (when enabled) and policy.
 * Leaves alone: the objects.
 */
export class PrivateBucket extends Construct implements PrivateBucketResources {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;
  readonly arn: string;
  private readonly resources: PrivateBucketResources;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    this.resources = PrivateBucket.inScope(
      this,
      { bucket: "bucket", ownership: "ownership", publicAccess: "public-access", encryption: "encryption", policy: "policy", versioning: "versioning" },
      props,
    );
    ({ bucket: this.bucket, policy: this.policy, arn: this.arn } = this.resources);
  }

  addToResourcePolicy(statement: PolicyStatement): void {
    this.resources.addToResourcePolicy(statement);
  }

  /**
   * Creates the resources directly in `scope` under the given ids, not below a construct of their own: for
   * constructs whose buckets existed before this building block, so their Terraform addresses stay the same.
   */
  static inScope(scope: Construct, ids: PrivateBucketIds, props: PrivateBucketProps): PrivateBucketResources {
    return new BucketInScope(scope, ids, props);
  }
}

class BucketInScope implements PrivateBucketResources {
  readonly bucket: S3Bucket;
  /** The versioning resource, when `versioning` is set (lifecycle rules on noncurrent versions depend on it). */
  readonly versioning?: S3BucketVersioningA;
  readonly policy: S3BucketPolicy;
  readonly arn: string;
  private readonly statements: PolicyStatement[] = [];

  constructor(scope: Construct, ids: PrivateBucketIds, props: PrivateBucketProps) {
    const { provider } = props;
    this.bucket = new S3Bucket(scope, ids.bucket, { provider, bucket: props.bucket, bucketPrefix: props.bucketPrefix, forceDestroy: props.forceDestroy });
    this.arn = props.bucket ? s3BucketArn(props.bucket) : this.bucket.arn;
    new S3BucketOwnershipControls(scope, ids.ownership, { provider, bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    const publicAccess = new S3BucketPublicAccessBlock(scope, ids.publicAccess, {
      provider,
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(scope, ids.encryption, {
      provider,
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    });
    if (props.versioning) {
      if (!ids.versioning) ConstructError.fail(scope, "PrivateBucket: versioning needs ids.versioning");
      this.versioning = new S3BucketVersioningA(scope, ids.versioning, { provider, bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } });
    }
    this.policy = new S3BucketPolicy(scope, ids.policy, {
      provider,
      bucket: this.bucket.id,
      // Rendered at synth time, after other constructs have added their statements.
      policy: Lazy.stringValue({ produce: () => this.renderPolicy() }),
      // S3 rejects a policy while the public access block is being applied.
      dependsOn: [publicAccess],
    });
  }

  addToResourcePolicy(statement: PolicyStatement): void {
    this.statements.push(statement);
  }

  private renderPolicy(): string {
    return policyJson({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [this.arn, `${this.arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        ...this.statements,
      ],
    });
  }
}
