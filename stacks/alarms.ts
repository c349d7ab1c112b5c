/**
 * Stack wiring of the environment's alarms (modules/observability/alarms.ts): every invalidator's dead-letter queue and function,
 * every container function, every release's state machines (Configure, Canary, Promote, Rollback) and every release pipeline. Called from stacks/edge-stack.ts
 * after those modules exist; other modules register their own with the returned Alarms (`stack.alarms`).
 */
import type { TerraformProvider } from "cdktn";
import type { Construct } from "constructs";
import type { ResolvedEnvironment } from "../model/resolved";
import { Alarms } from "../modules/observability/alarms";
import type { ContinuousDeployment } from "../modules/release/continuous-deployment";
import type { SiteInvalidator } from "../modules/cloudfront/site-invalidator";

/** What the alarms watch, by site name. */
export interface Watched {
  /** Their dead-letter queues and functions are watched. */
  readonly invalidators: ReadonlyMap<string, SiteInvalidator>;
  /** Their state machines and pipelines are watched. */
  readonly continuousDeployments: ReadonlyMap<string, ContinuousDeployment>;
  /** Provider of us-east-1, where the web ACLs this project creates (scope CLOUDFRONT) publish their metrics. */
  readonly usEast1: TerraformProvider;
}

/** The environment's Alarms, or undefined when it configures none (`alarms` omitted). */
export function addAlarms(scope: Construct, env: ResolvedEnvironment, watched: Watched): Alarms | undefined {
  if (!env.alarms) return undefined;
  const alarms = new Alarms(scope, "alarms", {
    envName: env.name,
    accountId: env.accountId,
    region: env.region,
    existingTopicArn: env.alarms.topicArn,
    emails: env.alarms.emails,
  });
  for (const [site, inv] of watched.invalidators) {
    alarms.watchQueue(`invalidator-${site}-dlq`, inv.deadLetterQueueName, { what: `the invalidation dead-letter queue of site ${site}` });
    alarms.watchFunction(`invalidator-${site}`, inv.functionName, { what: `the invalidator of site ${site}` });
  }
  for (const site of env.sites)
    if (site.waf?.kind === "managed")
      alarms.watchWebAcl(`waf-${site.name}`, site.waf.name, {
        provider: watched.usEast1,
        region: "us-east-1",
        threshold: site.waf.blockedRequestsAlarmThreshold,
        what: `the web ACL of site ${site.name} (blocked requests per 5 minutes above ${site.waf.blockedRequestsAlarmThreshold})`,
      });
  for (const f of env.containerFunctions) alarms.watchFunction(`lambda-${f.name}`, f.functionName, { what: `the container function ${f.name}` });
  for (const [site, cd] of watched.continuousDeployments) {
    alarms.watchStateMachine(`configure-${site}`, cd.stateMachines.configureName, { what: `the Configure state machine of site ${site}` });
    alarms.watchStateMachine(`promote-${site}`, cd.stateMachines.promoteName, { what: `the Promote state machine of site ${site}` });
    if (cd.stateMachines.canaryName)
      alarms.watchStateMachine(`canary-${site}`, cd.stateMachines.canaryName, { what: `the Canary state machine of site ${site}` });
    alarms.watchStateMachine(`rollback-${site}`, cd.stateMachines.rollbackName, { what: `the Rollback state machine of site ${site}` });
    if (cd.pipeline) alarms.watchPipeline(cd.pipeline.name);
  }
  return alarms;
}
