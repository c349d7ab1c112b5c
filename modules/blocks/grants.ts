/**
 * Principal-side grants: the IAM statements that let a role act on a construct's resources, written once so every
 * role that needs the same permission gets the same actions.
 */
import { logGroupArns } from "../../model/names";
import type { PolicyStatement } from "./policy";

/**
 * Create and read invalidations of these distributions (CloudFront has no narrower resource for them); `list` adds
 * ListInvalidations, for a caller that reads what is in progress before it sends.
 */
export function invalidationStatement(sid: string, distributionArns: string | string[], opts: { list?: boolean } = {}): PolicyStatement {
  const actions = ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation", ...(opts.list ? ["cloudfront:ListInvalidations"] : [])];
  return { Sid: sid, Effect: "Allow", Action: actions, Resource: distributionArns };
}

/** Write to one log group (streams and events); creating groups stays with Terraform. */
export function writeLogsStatement(sid: string, region: string, accountId: string, logGroup: string): PolicyStatement {
  return { Sid: sid, Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: logGroupArns(region, accountId, logGroup) };
}
