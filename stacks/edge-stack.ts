import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { defaultBucketName, type Environment } from "../environments/schema";
import { StaticSite } from "../modules/static-site";
import { ContinuousDeployment, PROMOTION_OWNED_ATTRIBUTES } from "../modules/continuous-deployment";

/** Tags the provider puts on every taggable resource of an environment. */
export function defaultTags(env: Environment): Record<string, string> {
  return { ...env.tags, environment: env.name, "managed-by": "cdktf", repository: env.repository };
}

/**
 * One environment: its state backend, a provider for the main region and one for us-east-1 (CloudFront Function
 * logs and other global things), and the modules its configuration asks for.
 */
export class EdgeStack extends TerraformStack {
  /** Provider for the environment's main region. */
  readonly provider: AwsProvider;
  /** Aliased provider for us-east-1. */
  readonly usEast1: AwsProvider;
  /** Sites by name. */
  readonly sites = new Map<string, StaticSite>();
  /** Continuous deployments by site name (sites with `continuousDeployment`). */
  readonly continuousDeployments = new Map<string, ContinuousDeployment>();

  constructor(scope: Construct, readonly env: Environment) {
    super(scope, env.name);
    configureBackend(this, env);

    const common = { allowedAccountIds: [env.accountId], defaultTags: [{ tags: defaultTags(env) }] };
    this.provider = new AwsProvider(this, "aws", { region: env.region, ...common });
    this.usEast1 = new AwsProvider(this, "aws-us-east-1", { region: "us-east-1", alias: "us_east_1", ...common });

    for (const site of env.sites) {
      const d = site.distribution;
      this.sites.set(
        site.name,
        new StaticSite(this, `site-${site.name}`, {
          envName: env.name,
          accountId: env.accountId,
          sid: site.sid,
          siteName: site.name,
          bucketName: site.bucketName ?? defaultBucketName(env.name, site.sid, site.name, env.accountId),
          comment: d.comment,
          aliases: d.aliases,
          certificateArn: d.certificateArn,
          priceClass: d.priceClass,
          defaultRootObject: d.defaultRootObject,
          defaultBehavior: d.defaultBehavior,
          behaviors: d.behaviors,
          logging: d.logging,
          adoptDistributionId: d.adopt ? d.id : undefined,
          distributionIgnoreChanges: site.continuousDeployment ? PROMOTION_OWNED_ATTRIBUTES : undefined,
        }),
      );
      if (site.continuousDeployment) {
        this.continuousDeployments.set(
          site.name,
          new ContinuousDeployment(this, `cd-${site.name}`, {
            envName: env.name,
            accountId: env.accountId,
            region: env.region,
            sid: site.sid,
            site: this.sites.get(site.name)!,
            siteName: site.name,
            logRetentionDays: env.logRetentionDays,
            config: site.continuousDeployment,
          }),
        );
      }
    }
  }
}

function configureBackend(stack: TerraformStack, env: Environment): void {
  const b = env.backend;
  if (b.type === "local") {
    new LocalBackend(stack, { path: b.path ?? `terraform.${env.name}.tfstate` });
    return;
  }
  const backend = new S3Backend(stack, {
    bucket: b.bucket,
    key: b.key,
    region: b.region,
    encrypt: b.encrypt,
    kmsKeyId: b.kmsKeyId,
    dynamodbTable: b.dynamodbTable,
  });
  // S3-native locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no typed field for it.
  if (b.useLockfile) backend.addOverride("use_lockfile", true);
}
