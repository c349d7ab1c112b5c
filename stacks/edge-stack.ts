import { Aspects, LocalBackend, S3Backend, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AwsProviders } from "../modules/aws-providers";
import type { BackendConfig, ResolvedEnvironment } from "../model/resolved";
import type { AppTeamRoles } from "../modules/access/app-team-roles";
import { DeletionProtection } from "../modules/aspects/deletion-protection";
import type { CloudFrontFunction } from "../modules/cloudfront/cloudfront-function";
import type { SiteInvalidator } from "../modules/cloudfront/site-invalidator";
import type { StaticSite } from "../modules/cloudfront/static-site";
import type { Alarms } from "../modules/observability/alarms";
import type { ContinuousDeployment } from "../modules/release/continuous-deployment";
import { addAccess } from "./access";
import { addAlarms } from "./alarms";
import { addChangeRecorder } from "./change-recorder";
import { addContainerFunctions } from "./container-functions";
import { addContinuousDeployment } from "./continuous-deployment";
import { addDeployRoles } from "./deploy-roles";
import { addFunctions } from "./functions";
import { addInvalidators } from "./invalidators";
import { addSite } from "./sites";
import { MessageEncryption } from "../modules/aspects/message-encryption";
import { LogGroupEncryption } from "../modules/aspects/log-encryption";
import { addPermissionsBoundary } from "./permissions-boundary";
import { siteWebAclArn } from "./web-acls";

/**
 * One environment: its state backend, a provider for the main region and one for us-east-1 (CloudFront Function
 * logs and other global things), and the features its configuration asks for, each wired by its stacks/<feature>.ts
 * from what the features before it made.
 */
export class EdgeStack extends TerraformStack {
  /** Provider for the environment's main region. */
  readonly provider: AwsProvider;
  /** Aliased provider for us-east-1. */
  readonly usEast1: AwsProvider;
  /** All of the environment's providers (other regions through `forRegion`). */
  readonly providers: AwsProviders;
  /** Sites by name. */
  readonly sites = new Map<string, StaticSite>();
  /** Application-team roles by sid (products with `access`). */
  readonly appTeamRoles: ReadonlyMap<string, AppTeamRoles>;
  /** Invalidators by site name (sites with an `invalidation` block). */
  readonly invalidators: ReadonlyMap<string, SiteInvalidator>;
  /** CloudFront Functions by manifest name (functions/cf2/<name>). */
  readonly functions: ReadonlyMap<string, CloudFrontFunction>;
  /** Continuous deployments by site name (sites with `continuousDeployment`). */
  readonly continuousDeployments = new Map<string, ContinuousDeployment>();
  /** The environment's alarms (`alarms` configured). */
  readonly alarms?: Alarms;

  /** `env`: the resolved environment: defaults applied, names computed, references checked. */
  constructor(
    scope: Construct,
    readonly env: ResolvedEnvironment,
  ) {
    super(scope, env.name);
    configureBackend(this, env.backend);

    this.providers = new AwsProviders(this, { region: env.region, accountId: env.accountId, defaultTags: env.defaultTags });
    this.provider = this.providers.main;
    this.usEast1 = this.providers.usEast1;

    this.functions = addFunctions(this, env.functions, this.usEast1);
    const containerFunctions = addContainerFunctions(this, env);
    for (const site of env.sites) {
      const staticSite = addSite(this, env, site, {
        functions: this.functions,
        behaviorOrigins: containerFunctions.originsBySite.get(site.name),
        webAclArn: siteWebAclArn(this, env, site, this.usEast1),
      });
      this.sites.set(site.name, staticSite);
      const cd = addContinuousDeployment(this, env, site, staticSite);
      if (cd) this.continuousDeployments.set(site.name, cd);
    }
    const access = addAccess(this, env);
    this.appTeamRoles = access.appTeamRoles;
    containerFunctions.connect(this.sites, this.appTeamRoles);
    this.invalidators = addInvalidators(this, env, this.sites);
    addDeployRoles(this, env, access.githubOidc);
    addPermissionsBoundary(this, env);
    this.alarms = addAlarms(this, env, { invalidators: this.invalidators, continuousDeployments: this.continuousDeployments, usEast1: this.usEast1 });
    if (env.security.protectFromDeletion) Aspects.of(this).add(new DeletionProtection());
    if (env.logKmsKeyArns) Aspects.of(this).add(new LogGroupEncryption(env.logKmsKeyArns, env.region));
    if (env.messageKmsKeyArns) Aspects.of(this).add(new MessageEncryption(env.messageKmsKeyArns, env.region));
    addChangeRecorder(this, env, {
      providers: this.providers,
      usEast1: this.usEast1,
      sites: this.sites.values(),
      continuousDeployments: this.continuousDeployments.values(),
      // In the order the stack creates them.
      serviceRoleNames: [
        ...[...containerFunctions.functions.values()].flatMap((f) => f.serviceRoleNames),
        ...[...this.continuousDeployments.values()].flatMap((cd) => cd.serviceRoleNames),
        ...[...this.invalidators.values()].flatMap((i) => i.serviceRoleNames),
      ],
      alarms: this.alarms,
    });
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
