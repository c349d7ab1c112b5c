import { Aspects } from "cdktn";
import { Construct } from "constructs";
import { CloudfrontContinuousDeploymentPolicy } from "@cdktf/provider-aws/lib/cloudfront-continuous-deployment-policy";
import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { siteBaseName } from "../../model/names";
import type { ResolvedContinuousDeployment, TrafficConfig } from "../../model/resolved";
import { ConstructError } from "../../model/errors";
import { ReleasePipeline } from "./release-pipeline";
import { ReleaseRollback } from "./release-rollback";
import { ReleaseStateMachines, type ApiTrafficConfig } from "./release-state-machines";
import { SidTags } from "../aspects/sid-tags";
import type { StaticSite } from "../cloudfront/static-site";

/**
 * Primary distribution attributes that promotion owns. UpdateDistributionWithStagingConfig copies the staging
 * configuration onto the primary, keeping only its aliases and policy id. The staging distribution is built from the
 * primary's own configuration (same behaviors, functions, certificate, logging, comment), so after a promote the only
 * difference from what Terraform declared is the origin: its path points at the promoted release. Pass this as
 * StaticSite's `distributionIgnoreChanges` for sites with continuous deployment, and only for them.
 * (continuous_deployment_policy_id needs no entry: it is optional and computed, and Terraform never sets it.)
 */
export const PROMOTION_OWNED_ATTRIBUTES = ["origin"];

/** Staging distribution attributes that the Configure step owns: it points the origin path at each release. */
export const CONFIGURE_OWNED_STAGING_ATTRIBUTES = ["origin"];

/**
 * Policy attributes the release flow owns: Configure opens the header test route (`enabled`, SingleHeader), the canary
 * switches to the weight after approval (`traffic_config` SingleWeight), promotion and rollback disable it. Terraform
 * creates the policy disabled on the test route and never touches these again.
 */
export const RELEASE_OWNED_POLICY_ATTRIBUTES = ["enabled", "traffic_config"];

/** Value of the release-version parameter until the first release writes a version. */
export const UNRELEASED = "unreleased";

export interface ContinuousDeploymentProps {
  /** Environment name, the first part of every resource name. */
  readonly envName: string;
  /** AWS account id, for ARNs and trust conditions. */
  readonly accountId: string;
  /** Main region (SSM parameters, state machines, pipeline). */
  readonly region: string;
  /** Product id; tagged on every resource. */
  readonly sid: string;
  /** The site whose distribution becomes the primary; it must have been built with PROMOTION_OWNED_ATTRIBUTES ignored. */
  readonly site: StaticSite;
  /** Site name, unique in the environment. */
  readonly siteName: string;
  /** The site's resolved continuous deployment: traffic, optional pipeline, parameter names, log retention. */
  readonly config: ResolvedContinuousDeployment;
}

/**
 * Continuous deployment for one site (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/continuous-deployment.html): a staging distribution with the primary's behaviors and function
 * associations, a continuous deployment policy (disabled, on the header test route, until a release is configured),
 * SSM parameters for the release version and the distribution and policy ids, the Configure/Canary/Promote/Rollback
 * state machines, the rules that roll an unpromoted release back and, when configured, the release pipeline. The
 * site's bucket policy admits the staging distribution.
 *
 * Owns: everything it creates, except what the release flow changes: the staging distribution's origin
 * (CONFIGURE_OWNED_STAGING_ATTRIBUTES), the policy's `enabled` and `traffic_config` (RELEASE_OWNED_POLICY_ATTRIBUTES)
 * and the release-version parameter's value. On the primary, promotion owns PROMOTION_OWNED_ATTRIBUTES and the policy
 * attachment (Configure attaches the policy on the first release, because CloudFront refuses a policy at creation).
 */
export class ContinuousDeployment extends Construct {
  readonly staging: CloudfrontDistribution;
  readonly policy: CloudfrontContinuousDeploymentPolicy;
  readonly releaseVersion: SsmParameter;
  readonly stateMachines: ReleaseStateMachines;
  readonly pipeline?: ReleasePipeline;
  readonly rollback: ReleaseRollback;

  /** Names of the roles only an AWS service assumes (the change recorder treats their changes as automation). */
  get serviceRoleNames(): string[] {
    return [...this.stateMachines.serviceRoleNames, ...(this.pipeline?.serviceRoleNames ?? []), ...this.rollback.serviceRoleNames];
  }

  constructor(scope: Construct, id: string, props: ContinuousDeploymentProps) {
    super(scope, id);
    const name = siteBaseName(props.envName, props.sid, props.siteName);
    const primaryIgnores = props.site.distribution.lifecycle?.ignoreChanges;
    if (!Array.isArray(primaryIgnores) || !PROMOTION_OWNED_ATTRIBUTES.every((a) => primaryIgnores.includes(a)))
      ConstructError.fail(
        this,
        `the primary distribution must ignore ${PROMOTION_OWNED_ATTRIBUTES.join(", ")} (StaticSite distributionIgnoreChanges), or every plan after a promote reverts it`,
      );

    // Same configuration as the primary, so promotion changes nothing but the origin path. Staging distributions
    // cannot have aliases; the certificate stays, so the primary keeps serving its aliases after a promote.
    this.staging = new CloudfrontDistribution(this, "staging", {
      ...props.site.distributionConfig,
      aliases: undefined,
      staging: true,
      lifecycle: { ignoreChanges: CONFIGURE_OWNED_STAGING_ATTRIBUTES },
    });
    props.site.allowDistributionRead(this.staging.arn);

    const testRoute = testRouteOf(props.config.traffic);
    this.policy = new CloudfrontContinuousDeploymentPolicy(this, "policy", {
      // Disabled on the header test route until Configure opens it for a release; the release flow owns it from then on.
      enabled: false,
      stagingDistributionDnsNames: [{ quantity: 1, items: [this.staging.domainName] }],
      trafficConfig: [{ type: "SingleHeader", singleHeaderConfig: [{ header: testRoute.header, value: testRoute.value }] }],
      lifecycle: { ignoreChanges: RELEASE_OWNED_POLICY_ATTRIBUTES },
    });

    const names = props.config.parameterNames;
    this.releaseVersion = this.createParameters(props, name);

    this.stateMachines = new ReleaseStateMachines(this, "state-machines", {
      name,
      accountId: props.accountId,
      region: props.region,
      primaryDistribution: { id: props.site.distribution.id, arn: props.site.distribution.arn },
      stagingDistribution: { id: this.staging.id, arn: this.staging.arn },
      policyId: this.policy.id,
      releaseVersionParameter: names.releaseVersion,
      unreleasedValue: UNRELEASED,
      testRoute: { Type: "SingleHeader", SingleHeaderConfig: { Header: testRoute.header, Value: testRoute.value } },
      canaryTraffic: canaryTrafficOf(props.config.traffic),
      logRetentionDays: props.config.logRetentionDays,
    });

    if (props.config.pipeline) {
      this.pipeline = new ReleasePipeline(this, "pipeline", {
        name,
        accountId: props.accountId,
        region: props.region,
        // The literal name (not a reference), so plans and policies show it.
        siteBucketName: props.site.bucketName,
        releaseVersionParameter: names.releaseVersion,
        configureStateMachine: this.stateMachines.configure,
        canaryStateMachine: this.stateMachines.canary,
        promoteStateMachine: this.stateMachines.promote,
        logRetentionDays: props.config.logRetentionDays,
        config: props.config.pipeline,
        approvalMessages: approvalMessages(props.config.traffic, this.staging.domainName),
      });
    }

    this.rollback = new ReleaseRollback(this, "rollback", {
      name,
      accountId: props.accountId,
      rollback: this.stateMachines.rollback,
      releaseSteps: this.stateMachines.releaseSteps,
      // The literal name, so the rule reads as what it matches.
      pipelineName: this.pipeline?.name,
    });

    Aspects.of(this).add(new SidTags(props.sid));
  }

  /** The release-version parameter (returned) and the parameters holding the distribution and policy ids. */
  private createParameters(props: ContinuousDeploymentProps, name: string): SsmParameter {
    const names = props.config.parameterNames;
    const releaseVersion = new SsmParameter(this, "release-version", {
      name: names.releaseVersion,
      description: `${name}: release (version prefix in the bucket) the staging distribution serves; written by each release`,
      type: "String",
      value: UNRELEASED,
      // The release flow writes the value: Terraform creates the parameter with a placeholder (SSM requires a value,
      // https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html) and ignores it after.
      lifecycle: { ignoreChanges: ["value"] },
    });
    const idParameter = (id: string, paramName: string, value: string, what: string) =>
      new SsmParameter(this, id, { name: paramName, description: `${name}: ${what}`, type: "String", value });
    idParameter("primary-id", names.primaryDistributionId, props.site.distribution.id, "primary distribution id");
    idParameter("staging-id", names.stagingDistributionId, this.staging.id, "staging distribution id");
    idParameter("policy-id", names.policyId, this.policy.id, "continuous deployment policy id");
    return releaseVersion;
  }
}

/** The header route that reaches staging before approval: the site's header, or a weight site's `testRoute`. */
function testRouteOf(traffic: TrafficConfig): { header: string; value: string } {
  return traffic.type === "header" ? { header: traffic.header, value: traffic.value } : traffic.testRoute;
}

/** The weight canary the release flow starts after the first approval, in the API's spelling; none for header sites. */
function canaryTrafficOf(traffic: TrafficConfig): (ApiTrafficConfig & { Type: "SingleWeight" }) | undefined {
  if (traffic.type !== "weight") return undefined;
  const s = traffic.sessionStickiness;
  return {
    Type: "SingleWeight",
    SingleWeightConfig: { Weight: traffic.weight, ...(s ? { SessionStickinessConfig: { IdleTTL: s.idleTtlSeconds, MaximumTTL: s.maximumTtlSeconds } } : {}) },
  };
}

/** What the approvers are told at each decision: how to reach staging, and what approving does. */
function approvalMessages(traffic: TrafficConfig, stagingDomain: string): { release: string; canary?: string } {
  const route = testRouteOf(traffic);
  const test = `Staging (${stagingDomain}) serves the new release to requests with the header "${route.header}: ${route.value}" only; every other viewer still gets the primary.`;
  if (traffic.type === "header") return { release: `${test} Approve to promote it to the primary, reject to roll back (the header route closes).` };
  const share = `${Math.round(traffic.weight * 1000) / 10}%`;
  return {
    canary: `${test} Approve to start the canary (${share} of viewers), reject to roll back.`,
    release: `The canary sends ${share} of viewers to the new release. Approve to promote it to the primary, reject to roll back (the policy is disabled and every viewer returns to the primary).`,
  };
}
