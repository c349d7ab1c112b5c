/**
 * What the GitHub issue (first change to a resource) and its comments (later changes) say: what changed, who, when,
 * what the next plan will do about it, and a request for the reason. Hidden markers tie the issue to its resource and
 * each issue or comment to the event it reports, so redeliveries can tell what was already posted.
 */
import type { ChangeRecord } from "./normalize";

const TYPE_NAMES: Record<string, string> = {
  distribution: "CloudFront distribution",
  function: "CloudFront Function",
  "continuous-deployment-policy": "CloudFront continuous deployment policy",
  "key-value-store": "CloudFront KeyValueStore",
  bucket: "S3 bucket",
  role: "IAM role",
  policy: "IAM policy",
  "lambda-function": "Lambda function",
  "ecr-repository": "ECR repository",
  "ssm-parameter": "SSM parameter",
  "hosted-zone": "Route 53 hosted zone",
  api: "API Gateway API",
  unknown: "resource",
};

export function resourceMarker(key: string): string {
  return `<!-- change-recorder:resource=${key} -->`;
}

export function eventMarker(eventId: string): string {
  return `<!-- change-recorder:event=${eventId} -->`;
}

export function describeResource(r: ChangeRecord): string {
  return `${TYPE_NAMES[r.resource.type] ?? r.resource.type} ${r.resource.id}`;
}

/** Deleting a whole resource: what Terraform's next apply makes of it. */
const WHOLE_RESOURCE_DELETIONS: Record<string, string> = {
  DeleteDistribution:
    "Terraform will create this resource again at the next apply: a distribution with a new id and *.cloudfront.net domain name (DNS records pointing at the old one break) unless it is removed from the code.",
  DeleteBucket:
    "Terraform will create an empty bucket of the same name at the next apply (the objects are gone: deploy the site again) unless it is removed from the code.",
  DeleteFunction:
    "Terraform will create this resource again at the next apply from the code in this repository (and publish it) unless it is removed from the code.",
  DeleteRole:
    "Terraform will create the role again at the next apply, with the same name but a new unique id (policies elsewhere that named the old role stop matching) unless it is removed from the code.",
  DeleteRepository:
    "Terraform will create an empty repository of the same name at the next apply (the images are gone: the function cannot be created again until an image is pushed) unless it is removed from the code.",
  DeleteParameter: "Terraform will create the parameter again at the next apply with the initial tag, unless it is removed from the code.",
  DeletePolicy: "Terraform will create the policy again at the next apply and attach it where the code attaches it, unless it is removed from the code.",
};

/** Removing one part of a resource (the resource itself stays): which part Terraform puts back. */
const PART_REMOVALS: Record<string, [part: string, meanwhile?: string]> = {
  DeleteBucketPolicy: ["the bucket policy", "only IAM policies decide who reads the bucket; CloudFront's origin access is refused"],
  DeleteBucketPublicAccessBlock: ["the public access block", "a policy or ACL could make objects public"],
  DeletePublicAccessBlock: ["the public access block", "a policy or ACL could make objects public"],
  DeleteBucketLifecycle: ["the lifecycle rules", "old versions are kept and billed"],
  DeleteBucketReplication: ["the replication configuration"],
  DeleteBucketEncryption: ["the default encryption"],
  DeleteBucketOwnershipControls: ["the object ownership setting"],
  DeleteRolePolicy: ["the inline policy"],
  DetachRolePolicy: ["the managed policy attachment"],
  DeleteRolePermissionsBoundary: ["the permissions boundary", "the role is not capped by it"],
  DeletePolicyVersion: ["the policy version Terraform manages"],
  DeleteRepositoryPolicy: ["the repository policy", "Lambda may not pull the image when the function is updated"],
  DeleteLifecyclePolicy: ["the repository's lifecycle policy", "old images are kept and billed"],
  RemovePermission: ["the function's resource-based permission", "the caller it admitted (CloudFront, EventBridge) is refused"],
};

/**
 * Container functions (model ImageOwner): the image of an app-owned function is the team's, Terraform never
 * changes it; an infra-owned function runs the tag its parameter names, which the next apply deploys.
 */
const CONTAINER_SHIPPING: Record<string, { appOwned: string; infraOwned: string }> = {
  UpdateFunctionCode: {
    appOwned:
      "Terraform ignores this function's image (owned by the application team), so the new code stays and serves: the team must know and ship it from their pipeline.",
    infraOwned:
      "Terraform will deploy the image tag the function's parameter names again at the next apply, reverting this code update, unless the parameter is changed through the code.",
  },
  PutImage: {
    appOwned:
      "Terraform manages no images: the pushed image stays in the repository and runs once the team's pipeline points the function at it; the team must know.",
    infraOwned:
      "Terraform manages no images: the pushed image stays in the repository (until the lifecycle policy expires it) and runs only once the image-tag parameter names it and an apply deploys it.",
  },
  PutParameter: {
    appOwned:
      "Terraform ignores the image tag of this application-owned function, so the new value stays (and is used when the function is created again): the team must know.",
    infraOwned:
      "The next apply deploys the image tag this parameter now names (for infrastructure-owned functions the parameter decides the image): review the value before the next apply.",
  },
};

/** Resources this project's Terraform does not manage but watches because the environment lists them. */
const LISTED_ONLY: Partial<Record<string, string>> = {
  "hosted-zone":
    "This project's Terraform does not manage this zone's records, so nothing reverts the change: whoever owns the zone must confirm it (a wrong record sends viewers elsewhere).",
  api: "This project's Terraform does not manage this API, so nothing reverts the change: the API's owners must confirm it.",
};

/** The next plan's consequence, in one sentence. `appOwned`: the function's code (or image) is the application team's. */
export function consequence(r: ChangeRecord, appOwned = false): string {
  const op = r.operation;
  if (appOwned && ["UpdateFunction", "PublishFunction"].includes(op))
    return "Terraform ignores this function's code (owned by the application team), so the change stays: the team must know and keep it in their repository.";
  const listedOnly = LISTED_ONLY[r.resource.type];
  if (listedOnly) return listedOnly;
  const shipping = CONTAINER_SHIPPING[op];
  if (shipping && ["lambda-function", "ecr-repository", "ssm-parameter"].includes(r.resource.type)) return appOwned ? shipping.appOwned : shipping.infraOwned;
  if (r.resource.type === "lambda-function" && op === "DeleteFunction")
    return "Terraform will create the function again at the next apply, running the image tag its parameter names, unless it is removed from the code.";
  if (op === "CreateInvalidation")
    return "No configuration changed, so Terraform has nothing to revert; invalidation paths beyond the monthly free 1,000 are billed.";
  if (r.resource.type === "function" && op === "PublishFunction")
    return "The published code now serves viewers; Terraform will publish the code in this repository again at the next apply unless the change is copied into it.";
  const whole = WHOLE_RESOURCE_DELETIONS[op];
  if (whole) return whole;
  const part = PART_REMOVALS[op];
  if (part)
    return `Terraform will put back ${part[0]} of ${describeResource(r)} at the next apply unless it is removed from the code${part[1] ? `; until then ${part[1]}` : ""}.`;
  if (/^(Delete|Detach|Remove)/.test(op)) return "Terraform will create what was deleted again at the next apply unless it is removed from the code.";
  if (/^(Create|Copy)/.test(op))
    return "Terraform does not know this resource: it stays as it is, unmanaged, until it is imported into or deleted from the code.";
  return "Terraform will revert this at the next apply unless the code is changed.";
}

/** The actor in words, most telling name first. */
export function describeActor(r: ChangeRecord): string {
  const a = r.actor;
  if (a.type === "Root") return `the account's **root user** (${a.principalArn ?? r.account})`;
  if (a.ssoUser) return `single sign-on user **${a.ssoUser}**${a.permissionSet ? ` (permission set ${a.permissionSet})` : ""}`;
  if (a.type === "IAMUser") return `IAM user **${a.userName ?? a.principalArn}**${a.accessKeyId ? ` with access key ${a.accessKeyId}` : ""}`;
  if (a.sessionIssuer) return `role **${a.sessionIssuer}**${a.sessionName ? ` (session ${a.sessionName})` : ""}`;
  return `${a.type} ${a.principalArn ?? ""}`.trim();
}

function details(r: ChangeRecord, recordUri: string, appOwned: boolean): string {
  const a = r.actor;
  const rows = [
    ["What", `\`${r.operation}\` on ${describeResource(r)}`],
    ["Who", describeActor(r)],
    ["Principal", a.principalArn ? `\`${a.principalArn}\`` : a.type],
    ["When", `${r.eventTime} (${r.region}, account ${r.account})`],
    ["From", `${a.sourceIp ?? "?"}${a.console ? ", AWS console" : ""}${a.userAgent ? ` — \`${a.userAgent.slice(0, 120)}\`` : ""}`],
    ["Next plan", consequence(r, appOwned)],
    ["Record", `\`${recordUri}\` (event ${r.eventId})`],
  ];
  const table = ["| | |", "| --- | --- |", ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, "\\|")} |`)].join("\n");
  const params = JSON.stringify(r.requestParameters, null, 2) ?? "null";
  const shown = params.length > 20000 ? `${params.slice(0, 20000)}\n... (truncated; the record holds all of it)` : params;
  return `${table}\n\n<details><summary>Request parameters</summary>\n\n\`\`\`json\n${shown}\n\`\`\`\n</details>`;
}

export function issueTitle(r: ChangeRecord, environment?: string): string {
  return `Manual change${environment ? ` in ${environment}` : ""}: ${describeResource(r)}`;
}

export function issueBody(r: ChangeRecord, key: string, recordUri: string, appOwned = false): string {
  return [
    resourceMarker(key),
    `${describeActor(r)} changed ${describeResource(r)} outside this repository.`,
    "",
    details(r, recordUri, appOwned),
    "",
    "**Please answer in this issue:** why was this change made? Then either change the code in this repository to match (link the pull request) or confirm that the next apply may revert it, and close the issue. Later changes to the same resource are added below as comments while this issue is open.",
    eventMarker(r.eventId),
  ].join("\n");
}

export function commentBody(r: ChangeRecord, recordUri: string, appOwned = false): string {
  return [`Another change to ${describeResource(r)} by ${describeActor(r)}:`, "", details(r, recordUri, appOwned), eventMarker(r.eventId)].join("\n");
}
