import { Construct } from "constructs";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { ConstructError } from "../../model/errors";
import type { BehaviorOrigin } from "../cloudfront/static-site";

export interface FunctionUrlOriginProps {
  /** The function's name (a reference or literal); the URL and the permissions attach to it. */
  readonly functionName: string;
  /** Name of the origin access control (unique per account, at most 64 characters): the function's name. */
  readonly name: string;
  /** The function's region, for the URL's host name. */
  readonly region: string;
  /** Seconds CloudFront waits for the function: its timeout (the manifest schema keeps it within CloudFront's 1-60). */
  readonly readTimeoutSeconds: number;
}

/**
 * A Lambda function as a CloudFront origin: a function URL that only accepts SigV4-signed requests (`AWS_IAM`), an
 * origin access control of type `lambda` with which CloudFront signs them, and, per distribution that uses it, the
 * two resource-policy statements CloudFront needs since October 2025: `lambda:InvokeFunctionUrl` (with
 * `function_url_auth_type = AWS_IAM`) and `lambda:InvokeFunction`, each for `cloudfront.amazonaws.com` with
 * `source_arn` = that distribution (Lambda developer guide, "Restricting access to a Lambda function URL origin";
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-lambda.html).
 * hashicorp/aws 5.100.0's aws_lambda_permission has no `invoked_via_function_url`, so the InvokeFunction statement is
 * not narrowed to URL calls: it admits only that distribution either way.
 *
 * Viewers that send a body (POST, PUT) must add `x-amz-content-sha256` (the SHA-256 of the body, hex): OAC does not
 * sign payloads for Lambda, and the function URL rejects an unsigned body.
 *
 * Owns: the URL (auth type, invoke mode), the origin access control, the permissions.
 */
export class FunctionUrlOrigin extends Construct {
  readonly url: LambdaFunctionUrl;
  readonly originAccessControl: CloudfrontOriginAccessControl;
  /** The URL's host name, `<url id>.lambda-url.<region>.on.aws`. */
  readonly domainName: string;
  private readonly props: FunctionUrlOriginProps;
  private readonly granted = new Set<string>();

  constructor(scope: Construct, id: string, props: FunctionUrlOriginProps) {
    super(scope, id);
    this.props = props;
    this.url = new LambdaFunctionUrl(this, "url", { functionName: props.functionName, authorizationType: "AWS_IAM", invokeMode: "BUFFERED" });
    this.domainName = `${this.url.urlId}.lambda-url.${props.region}.on.aws`;
    this.originAccessControl = new CloudfrontOriginAccessControl(this, "oac", {
      name: props.name,
      description: `${props.name} function URL (SigV4)`,
      originAccessControlOriginType: "lambda",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });
  }

  /** Admits a distribution: both permissions, source = the distribution. `key` names it in resource ids. */
  allowDistribution(key: string, distributionArn: string): void {
    if (this.granted.has(key)) ConstructError.fail(this, `distribution "${key}" is admitted twice`);
    this.granted.add(key);
    new LambdaPermission(this, `invoke-url-${key}`, {
      functionName: this.props.functionName,
      statementId: `cloudfront-url-${key}`,
      action: "lambda:InvokeFunctionUrl",
      principal: "cloudfront.amazonaws.com",
      sourceArn: distributionArn,
      functionUrlAuthType: "AWS_IAM",
    });
    new LambdaPermission(this, `invoke-${key}`, {
      functionName: this.props.functionName,
      statementId: `cloudfront-invoke-${key}`,
      action: "lambda:InvokeFunction",
      principal: "cloudfront.amazonaws.com",
      sourceArn: distributionArn,
    });
  }

  /** The origin and the behavior it serves, for StaticSite's `behaviorOrigins`. */
  behaviorOrigin(pathPattern: string): BehaviorOrigin {
    return {
      pathPattern,
      originId: `lambda-${this.props.name}`,
      domainName: this.domainName,
      originAccessControlId: this.originAccessControl.id,
      readTimeoutSeconds: this.props.readTimeoutSeconds,
    };
  }
}
