import { Testing, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GithubOidcProvider } from "./github-oidc-provider";

function synth(existingProviderArn?: string) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  const oidc = new GithubOidcProvider(stack, "oidc", { accountId: "123456789012", existingProviderArn });
  return { json: JSON.parse(Testing.synth(stack)), oidc };
}

test("creates the provider for GitHub's token issuer with the STS audience", () => {
  const { json, oidc } = synth();
  expect(Object.values<any>(json.resource.aws_iam_openid_connect_provider)).toEqual([
    expect.objectContaining({ url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] }),
  ]);
  expect(oidc.arn).toBe("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com");
  expect(oidc.resource).toBeDefined();
});

test("references an existing provider without creating one", () => {
  const { json, oidc } = synth("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com");
  expect(json.resource?.aws_iam_openid_connect_provider).toBeUndefined();
  expect(oidc.resource).toBeUndefined();
});

test("an existing provider of another account is rejected", () => {
  expect(() => synth("arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com")).toThrow(
    "existingProviderArn must be arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
  );
});
