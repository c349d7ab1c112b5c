import { Testing, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { terraformLiteral } from "../../scripts/lib/synthesized-iam";
import {
  AppTeamContainerFunctionPolicy,
  LAMBDA_INFRASTRUCTURE_ONLY_ACTIONS,
  appTeamContainerFunctionPolicyDocument,
} from "./app-team-container-function-policy";

function synth() {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  new AppTeamContainerFunctionPolicy(stack, "p", { envName: "dev", accountId: "123456789012", region: "ap-northeast-1" });
  return Object.values<any>(JSON.parse(Testing.synth(stack)).resource.aws_iam_policy)[0];
}

test("one policy per environment; principal-tag variables escaped for Terraform ($${), literal for IAM", () => {
  const p = synth();
  expect(p.name).toBe("dev-lambda-app-team");
  expect(p.policy).toContain("$${aws:PrincipalTag/environment}-$${aws:PrincipalTag/sid}-*");
  expect(JSON.parse(terraformLiteral(p.policy))).toEqual(appTeamContainerFunctionPolicyDocument("123456789012", "ap-northeast-1", "dev-lambda-app-team"));
});

test("every Allow names the team's own resources; only registry login is on *", () => {
  const doc = appTeamContainerFunctionPolicyDocument("123456789012", "ap-northeast-1", "dev-lambda-app-team");
  for (const s of doc.Statement.filter((x) => x.Effect === "Allow")) {
    const resources = ([] as string[]).concat(s.Resource ?? []);
    if (s.Action === "ecr:GetAuthorizationToken") expect(resources).toEqual(["*"]);
    else for (const r of resources) expect(r).toMatch(/\$\{aws:PrincipalTag\/environment\}.\$\{aws:PrincipalTag\/sid\}/);
  }
});

test("updates code only of app-owned functions, parameters only by overwriting; structural actions denied", () => {
  const doc = appTeamContainerFunctionPolicyDocument("123456789012", "ap-northeast-1", "dev-lambda-app-team");
  const sid = (id: string) => doc.Statement.find((s) => s.Sid === id)!;
  expect(sid("DeployOwnAppImages").Condition).toEqual({ StringEquals: { "aws:ResourceTag/image-owner": "app" } });
  expect(sid("UpdateOwnImageTags").Condition).toEqual({ StringEquals: { "ssm:Overwrite": "true" } });
  expect(sid("InfrastructureOnly")).toMatchObject({ Effect: "Deny", Resource: "*", Action: [...LAMBDA_INFRASTRUCTURE_ONLY_ACTIONS] });
  expect(sid("NoRoleChanges").Action).toEqual(expect.arrayContaining(["iam:TagRole", "iam:UntagRole"]));
});
