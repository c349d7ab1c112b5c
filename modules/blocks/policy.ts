/**
 * IAM policy documents as typed data, rendered to JSON that survives Terraform.
 *
 * cdktf passes `${...}` and `%{...}` to Terraform as template syntax (string templates:
 * https://developer.hashicorp.com/terraform/language/expressions/strings#string-templates), so an IAM policy variable such as
 * `${aws:PrincipalTag/sid}` must reach the JSON as `$${aws:PrincipalTag/sid}`. cdktf's own tokens
 * (`${TfToken[...]}`) are references and must stay as they are.
 */
export interface PolicyStatement {
  /** Statement id, for readers of the policy. */
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: "*" | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/**
 * The resource-policy statement that refuses every request not made over TLS, as the SQS, SNS and S3 security best
 * practices recommend (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html,
 * https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html).
 */
export function denyInsecureTransport(service: "sqs" | "sns" | "s3", resource: string | string[]): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: `${service}:*`,
    Resource: resource,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** Escapes Terraform template sequences in literal text, leaving cdktf tokens alone. */
export function escapeTerraformTemplates(text: string): string {
  // Replacer functions, because the replacement string "$${" would itself collapse to "${".
  return text.replace(/\$\{(?!TfToken\[)/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** JSON for a policy attribute (policy, assume_role_policy), with template sequences escaped. */
export function policyJson(doc: PolicyDocument): string {
  return escapeTerraformTemplates(JSON.stringify(doc));
}
