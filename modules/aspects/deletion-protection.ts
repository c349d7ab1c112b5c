import type { IAspect } from "cdktn";
import type { IConstruct } from "constructs";
import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { StaticSite } from "../cloudfront/static-site";

/** What the aspect protects, by how (for docs/access.md and tests). */
export const Protection = {
  /** `lifecycle.prevent_destroy`: any plan that destroys or replaces the resource fails. */
  PREVENT_DESTROY: "prevent_destroy",
  /** `skip_destroy`: destroying the resource only forgets it; the log group and its events stay in AWS. */
  SKIP_DESTROY: "skip_destroy",
} as const;
export type Protection = (typeof Protection)[keyof typeof Protection];

/** How a resource is protected, or undefined when it is not (e.g. a pipeline's artifact bucket). */
export function protectionOf(node: IConstruct): Protection | undefined {
  if (node instanceof CloudfrontDistribution || node instanceof IamOpenidConnectProvider) return Protection.PREVENT_DESTROY;
  // Only site buckets hold what viewers are served; artifact buckets are scratch space.
  if (node instanceof S3Bucket && node.node.scopes.some((s) => s instanceof StaticSite)) return Protection.PREVENT_DESTROY;
  if (node instanceof CloudwatchLogGroup) return Protection.SKIP_DESTROY;
  return undefined;
}

/**
 * Deletion protection for an environment (`security.protectFromDeletion`), applied to the whole stack so resources
 * added by any module later are covered too:
 * - `prevent_destroy` on every distribution (primary and staging), every site bucket and the GitHub OIDC provider:
 *   a plan that would destroy or replace one (a renamed bucket, `cdktf destroy`) fails instead;
 * - `skip_destroy` on every log group: removing a function manifest or a site leaves its logs in AWS (with their
 *   retention) and only drops them from the state.
 *
 * Terraform's limit: prevent_destroy lives in the resource's configuration, so removing the resource from the
 * configuration removes the protection with it. docs/access.md, "Retire a site on purpose", says how removals are done on purpose.
 */
export class DeletionProtection implements IAspect {
  visit(node: IConstruct): void {
    const protection = protectionOf(node);
    if (protection === Protection.PREVENT_DESTROY) {
      const resource = node as CloudfrontDistribution | S3Bucket | IamOpenidConnectProvider;
      resource.lifecycle = { ...resource.lifecycle, preventDestroy: true };
    } else if (protection === Protection.SKIP_DESTROY) {
      (node as CloudwatchLogGroup).skipDestroy = true;
    }
    // Scratch buckets (pipeline artifacts) keep their objects too: Terraform may not empty them on destroy.
    if (node instanceof S3Bucket && protection === undefined && node.forceDestroyInput === true) node.forceDestroy = false;
  }
}
