import { Aspects, LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { BackendConfig, ResolvedEnvironment } from "../model/resolved";
import { StaticSite } from "../modules/static-site";
import { AppTeamPolicy } from "../modules/app-team-policy";
import { AppTeamRoles } from "../modules/app-team-roles";
import { GithubOidcProvider } from "../modules/github-oidc-provider";
import { SiteInvalidator } from "../modules/site-invalidator";
import type { CloudFrontFunction } from "../modules/cloudfront-function";
import { addFunctions } from "./edge-functions";
import { addDeployRoles } from "./deploy-roles";
import { addPermissionsBoundary } from "./permissions-boundary";
import { siteWebAclArn } from "./web-acls";
import { addChangeRecorder } from "./change-recorder";
import { addLambdaFunctions } from "./lambda-functions";
import { ContinuousDeployment, PROMOTION_OWNED_ATTRIBUTES } from "../modules/continuous-deployment";
import { appTeamGuards } from "./safeguards";
import { addAlarms } from "./alarms";
import type { Alarms } from "../modules/alarms";
import { DeletionProtection } from "../modules/deletion-protection";
import { LogGroupEncryption } from "../modules/log-encryption";

export { defaultTags } from "../environments/resolve";

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
  /** The environment's alarms (`alarms` configured); modules built later register theirs with its watch methods. */
  readonly alarms?: Alarms;

  /** `env`: the resolved environment (environments/resolve.ts): defaults applied, names computed, references checked. */
  constructor(scope: Construct, readonly env: ResolvedEnvironment) {
    super(scope, env.name);
    configureBackend(this, env.backend);

    const common = { allowedAccountIds: [env.accountId], defaultTags: [{ tags: { ...env.defaultTags } }] };
    this.provider = new AwsProvider(this, "aws", { region: env.region, ...common });
    this.usEast1 = new AwsProvider(this, "aws-us-east-1", { region: "us-east-1", alias: "us_east_1", ...common });

    this.functions = addFunctions(this, env.functions, this.usEast1);
    const lambdas = addLambdaFunctions(this, env);

    for (const site of env.sites) {
      const d = site.distribution;
      const staticSite = new StaticSite(this, `site-${site.name}`, {
        webAclArn: siteWebAclArn(this, env, site, this.usEast1),
        responseHeadersPolicyId: site.responseHeadersPolicyId,
        bucketAccessLogs: site.bucketAccessLogs,
        envName: env.name,
        accountId: env.accountId,
        sid: site.sid,
        siteName: site.name,
        bucketName: site.bucketName,
        comment: d.comment,
        aliases: d.aliases,
        certificateArn: d.certificateArn,
        priceClass: d.priceClass,
        defaultRootObject: d.defaultRootObject,
        defaultBehavior: d.defaultBehavior,
        behaviors: d.behaviors,
        logging: d.logging,
        adoptDistributionId: d.adopt ? d.id : undefined,
        functionAssociations: site.functionAssociations.length
          ? site.functionAssociations.map((a) => ({ behavior: a.behavior, eventType: a.eventType, function: this.functions.get(a.function)! }))
          : undefined,
        distributionIgnoreChanges: site.continuousDeployment ? PROMOTION_OWNED_ATTRIBUTES : undefined,
        // The replication source's folder stays reachable whatever release the primary serves.
        unversionedPrefix: site.unversionedPrefix,
        behaviorOrigins: lambdas.originsBySite.get(site.name),
      });
      this.sites.set(site.name, staticSite);
      if (site.continuousDeployment) {
        this.continuousDeployments.set(
          site.name,
          new ContinuousDeployment(this, `cd-${site.name}`, {
            envName: env.name,
            accountId: env.accountId,
            region: env.region,
            sid: site.sid,
            site: staticSite,
            siteName: site.name,
            config: site.continuousDeployment,
          }),
        );
      }
    }

    // Application-team access: one shared ABAC policy, a maintenance and/or CI/CD role per product. IAM is global,
    // so the main provider serves.
    if (env.appTeams.length > 0) {
      const guards = appTeamGuards(this, env);
      const policy = new AppTeamPolicy(this, "app-team-policy", { envName: env.name, accountId: env.accountId, ...guards.policy });
      const oidc = env.githubOidc && new GithubOidcProvider(this, "github-oidc", { accountId: env.accountId, ...env.githubOidc });
      for (const team of env.appTeams) {
        const { maintenance, cicd } = team;
        this.appTeamRoles.set(
          team.sid,
          new AppTeamRoles(this, `app-team-${team.sid}`, {
            envName: env.name,
            accountId: env.accountId,
            sid: team.sid,
            policyArn: policy.arn,
            policy: policy.policy,
            maintenance,
            maintenancePolicies: guards.maintenancePolicies,
            cicd: cicd && oidc ? { ...cicd, oidcProviderArn: oidc.arn, oidcProvider: oidc.resource } : undefined,
          }),
        );
      }
    }

    lambdas.connect(this.sites, this.appTeamRoles);

    // After every site exists: an invalidator may also invalidate other sites' distributions.
    for (const site of env.sites) {
      if (!site.invalidation) continue;
      this.invalidators.set(
        site.name,
        new SiteInvalidator(this, `invalidator-${site.name}`, {
          envName: env.name,
          accountId: env.accountId,
          region: env.region,
          sid: site.sid,
          siteName: site.name,
          site: this.sites.get(site.name)!,
          alsoInvalidate: site.invalidation.alsoInvalidate.map((name) => this.sites.get(name)!),
          config: site.invalidation,
        }),
      );
    }

    addDeployRoles(this, env);
    addPermissionsBoundary(this, env);
    this.alarms = addAlarms(this, env, this);
    if (env.security.protectFromDeletion) Aspects.of(this).add(new DeletionProtection());
    if (env.logKmsKeyArns) Aspects.of(this).add(new LogGroupEncryption(env.logKmsKeyArns, env.region));
    addChangeRecorder(this);
  }
}

function configureBackend(stack: TerraformStack, b: BackendConfig): void {
  if (b.type === "local") {
    new LocalBackend(stack, { path: b.path });
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
