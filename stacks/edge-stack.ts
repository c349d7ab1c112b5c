import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { defaultBucketName, type Environment } from "../environments/schema";
import { StaticSite } from "../modules/static-site";
import { AppTeamPolicy } from "../modules/app-team-policy";
import { AppTeamRoles } from "../modules/app-team-roles";
import { GithubOidcProvider } from "../modules/github-oidc-provider";
import { InvalidationEvent, InvalidationPaths, SiteInvalidator } from "../modules/site-invalidator";
import type { CloudFrontFunction } from "../modules/cloudfront-function";
import type { Cf2Function } from "../environments/cf2/load";
import { addFunctions } from "./edge-functions";
import type { LambdaFunctionSpec } from "../environments/lambda/load";
import { addLambdaFunctions } from "./lambda-functions";
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
  /** Application-team roles by sid (products with `access`). */
  readonly appTeamRoles = new Map<string, AppTeamRoles>();
  /** Invalidators by site name (sites with an `invalidation` block). */
  readonly invalidators = new Map<string, SiteInvalidator>();
  /** CloudFront Functions by manifest name (functions/cf2/<name>). */
  readonly functions: Map<string, CloudFrontFunction>;
  /** Continuous deployments by site name (sites with `continuousDeployment`). */
  readonly continuousDeployments = new Map<string, ContinuousDeployment>();

  /** `functions`: every validated function manifest; the stack creates those that list this environment. */
  /** `lambdaFunctions`: every validated container-function manifest; likewise. */
  constructor(scope: Construct, readonly env: Environment, functions: Cf2Function[] = [], lambdaFunctions: LambdaFunctionSpec[] = []) {
    super(scope, env.name);
    configureBackend(this, env);

    const common = { allowedAccountIds: [env.accountId], defaultTags: [{ tags: defaultTags(env) }] };
    this.provider = new AwsProvider(this, "aws", { region: env.region, ...common });
    this.usEast1 = new AwsProvider(this, "aws-us-east-1", { region: "us-east-1", alias: "us_east_1", ...common });

    const cf2 = addFunctions(this, env, functions, this.usEast1);
    this.functions = cf2.functions;
    const lambdas = addLambdaFunctions(this, env, lambdaFunctions);

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
          functionAssociations: cf2.associationsBySite.get(site.name),
          distributionIgnoreChanges: site.continuousDeployment ? PROMOTION_OWNED_ATTRIBUTES : undefined,
          behaviorOrigins: lambdas.originsBySite.get(site.name),
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

    // Application-team access: one shared ABAC policy, a maintenance and/or CI/CD role per product. IAM is global,
    // so the main provider serves.
    const teams = env.products.filter((p) => p.access);
    if (teams.length > 0) {
      const policy = new AppTeamPolicy(this, "app-team-policy", { envName: env.name, accountId: env.accountId });
      const oidc = env.githubOidc && new GithubOidcProvider(this, "github-oidc", { accountId: env.accountId, ...env.githubOidc });
      for (const p of teams) {
        const { maintenance, cicd } = p.access!;
        this.appTeamRoles.set(
          p.sid,
          new AppTeamRoles(this, `app-team-${p.sid}`, {
            envName: env.name,
            accountId: env.accountId,
            sid: p.sid,
            policyArn: policy.arn,
            policy: policy.policy,
            maintenance,
            cicd: cicd && oidc ? { ...cicd, oidcProviderArn: oidc.arn, oidcProvider: oidc.resource } : undefined,
          }),
        );
      }
    }

    lambdas.connect(this.sites, this.appTeamRoles);

    // After every site exists: an invalidator may also invalidate other sites' distributions.
    for (const site of env.sites) {
      const inv = site.invalidation;
      if (!inv) continue;
      const own = this.sites.get(site.name)!;
      this.invalidators.set(
        site.name,
        new SiteInvalidator(this, `invalidator-${site.name}`, {
          envName: env.name,
          accountId: env.accountId,
          region: env.region,
          sid: site.sid,
          siteName: site.name,
          site: own,
          bucketName: site.bucketName ?? defaultBucketName(env.name, site.sid, site.name, env.accountId),
          alsoInvalidate: inv.alsoInvalidate.map((name) => ({ id: this.sites.get(name)!.distribution.id, arn: this.sites.get(name)!.distribution.arn })),
          events: inv.events.map((e) => e as InvalidationEvent),
          prefix: inv.prefix,
          suffix: inv.suffix,
          paths: inv.paths as InvalidationPaths,
          maxPaths: inv.maxPaths,
          indexDocument: site.distribution.defaultRootObject,
          batchingWindowSeconds: inv.batchingWindowSeconds,
          maxReceiveCount: inv.maxReceiveCount,
          logRetentionDays: env.logRetentionDays,
          replicationSourceRoleArn: inv.replicationSourceRoleArn,
        }),
      );
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
