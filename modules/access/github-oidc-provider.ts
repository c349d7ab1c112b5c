import { Construct } from "constructs";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { ConstructError } from "../../model/errors";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, githubOidcProviderArn } from "../../model/names";

export interface GithubOidcProviderProps {
  /** The environment's account. */
  readonly accountId: string;
  /** ARN of a provider that already exists in the account; when set, nothing is created. @default none (the provider is created) */
  readonly existingProviderArn?: string;
}

/**
 * The account's IAM OIDC identity provider for GitHub Actions. IAM allows one provider per URL and account, so an
 * account that has one already (another project made it) references it instead.
 *
 * Owns (when it creates the provider): URL, client ids and tags. No thumbprints are set: IAM verifies GitHub's
 * tokens through its own trusted certificate authorities, and the provider fills in the thumbprint it computes.
 */
export class GithubOidcProvider extends Construct {
  /** The provider's ARN (literal, so trust policies show in full in the plan). */
  readonly arn: string;
  /** The provider resource when this stack creates it (trust policies depend on it); undefined when referenced. */
  readonly resource?: IamOpenidConnectProvider;

  constructor(scope: Construct, id: string, props: GithubOidcProviderProps) {
    super(scope, id);
    const arn = props.existingProviderArn ?? githubOidcProviderArn(props.accountId);
    if (arn !== githubOidcProviderArn(props.accountId))
      ConstructError.fail(
        this,
        `existingProviderArn must be ${githubOidcProviderArn(props.accountId)} (the provider for ${GITHUB_OIDC_HOST} in this account), is ${arn}`,
      );
    this.arn = arn;
    if (!props.existingProviderArn) {
      this.resource = new IamOpenidConnectProvider(this, "provider", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
      });
    }
  }
}
