import { Testing, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { AppTeamRoles, type AppTeamRolesProps } from "./app-team-roles";

const base: AppTeamRolesProps = {
  envName: "dev",
  accountId: "123456789012",
  sid: "shop",
  policyArn: "arn:aws:iam::123456789012:policy/dev-cf2-app-team",
};
const OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

function synth(props: Partial<AppTeamRolesProps>, withProvider = false) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  const provider = withProvider
    ? new IamOpenidConnectProvider(stack, "oidc", { url: "https://token.actions.githubusercontent.com", clientIdList: ["sts.amazonaws.com"] })
    : undefined;
  const cicd = props.cicd && { ...props.cicd, oidcProvider: provider };
  new AppTeamRoles(stack, "team", { ...base, ...props, cicd });
  const json = JSON.parse(Testing.synth(stack));
  const roles = Object.values<any>(json.resource.aws_iam_role);
  return { json, role: (name: string) => roles.find((r) => r.name === name), roles };
}

test("the maintenance role trusts the named permission sets by ArnLike on aws:PrincipalArn, never session tags", () => {
  const { role } = synth({ maintenance: { permissionSets: ["ShopDeveloper", "ShopOperator"], maxSessionHours: 1 } });
  const r = role("dev-shop-cf2-maintenance");
  expect(JSON.parse(r.assume_role_policy).Statement).toEqual([
    {
      Sid: "SingleSignOnPermissionSets",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: "sts:AssumeRole",
      Condition: {
        ArnLike: {
          "aws:PrincipalArn": [
            "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_ShopDeveloper_*",
            "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_ShopOperator_*",
          ],
        },
      },
    },
  ]);
  expect(r.assume_role_policy).not.toContain("TagSession");
  expect(r.tags).toEqual({ environment: "dev", sid: "shop" });
  expect(r.max_session_duration).toBe(3600);
});

test("the CI/CD role trusts one repository's jobs in one GitHub environment, after the provider exists", () => {
  const { role } = synth(
    {
      cicd: {
        repository: "example-org/shop-edge",
        repositoryId: "712345601",
        ownerId: "81234567",
        environment: "production",
        maxSessionHours: 2,
        oidcProviderArn: OIDC_ARN,
      },
    },
    true,
  );
  const r = role("dev-shop-cf2-cicd");
  expect(JSON.parse(r.assume_role_policy).Statement[0]).toMatchObject({
    Principal: { Federated: OIDC_ARN },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: {
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repo:example-org/shop-edge:environment:production",
        "token.actions.githubusercontent.com:repository_id": "712345601",
        "token.actions.githubusercontent.com:repository_owner_id": "81234567",
      },
    },
  });
  expect(r.max_session_duration).toBe(7200);
  expect(r.depends_on).toEqual([expect.stringMatching(/^aws_iam_openid_connect_provider\.oidc$/)]);
  expect(r.tags).toEqual({ environment: "dev", sid: "shop" });
});

test("each role attaches the shared policy; a product gets only the roles it asks for", () => {
  const { json, roles } = synth({ maintenance: { permissionSets: ["ShopDeveloper"], maxSessionHours: 1 } });
  expect(roles.map((r) => r.name)).toEqual(["dev-shop-cf2-maintenance"]);
  expect(Object.values<any>(json.resource.aws_iam_role_policy_attachment)).toEqual([
    expect.objectContaining({ policy_arn: base.policyArn, role: expect.stringMatching(/^\$\{aws_iam_role\.team_maintenance_\w+\.name\}$/) }),
  ]);
});

test("role ARNs and the switch-role link are outputs with stable names", () => {
  const { json } = synth(
    {
      maintenance: { permissionSets: ["ShopDeveloper"], maxSessionHours: 1 },
      cicd: {
        repository: "example-org/shop-edge",
        repositoryId: "712345601",
        ownerId: "81234567",
        environment: "dev",
        maxSessionHours: 1,
        oidcProviderArn: OIDC_ARN,
      },
    },
    true,
  );
  expect(json.output.shop_maintenance_role_arn.value).toBe("arn:aws:iam::123456789012:role/dev-shop-cf2-maintenance");
  expect(json.output.shop_cicd_role_arn.value).toBe("arn:aws:iam::123456789012:role/dev-shop-cf2-cicd");
  expect(json.output.shop_switch_role_url.value).toBe(
    "https://signin.aws.amazon.com/switchrole?roleName=dev-shop-cf2-maintenance&account=123456789012&displayName=dev-shop-cf2-maintenance",
  );
});

test("a pinned workflow adds job_workflow_ref to the trust; without a pin there is no such key", () => {
  const workflowRef = "example-org/shop-edge/.github/workflows/publish-cf2.yml@refs/heads/main";
  const trust = (pin?: string) => {
    const { role } = synth({
      cicd: {
        repository: "example-org/shop-edge",
        repositoryId: "712345601",
        ownerId: "81234567",
        environment: "production",
        workflowRef: pin,
        maxSessionHours: 1,
        oidcProviderArn: OIDC_ARN,
      },
    });
    return JSON.parse(role("dev-shop-cf2-cicd").assume_role_policy).Statement[0].Condition;
  };
  expect(trust(workflowRef).StringEquals["token.actions.githubusercontent.com:job_workflow_ref"]).toBe(workflowRef);
  expect(Object.keys(trust().StringEquals)).not.toContain("token.actions.githubusercontent.com:job_workflow_ref");
  expect(Object.keys(trust())).toEqual(["StringEquals"]);
});

test("further maintenance policies (the console restriction) attach to the maintenance role only", () => {
  const extra = "arn:aws:iam::123456789012:policy/dev-cf2-console-no-live-changes";
  const { json } = synth({
    maintenance: { permissionSets: ["ShopDeveloper"], maxSessionHours: 1 },
    maintenancePolicies: [{ arn: extra }],
    cicd: {
      repository: "example-org/shop-edge",
      repositoryId: "712345601",
      ownerId: "81234567",
      environment: "dev",
      maxSessionHours: 1,
      oidcProviderArn: OIDC_ARN,
    },
  });
  const attachments = Object.values<any>(json.resource.aws_iam_role_policy_attachment);
  expect(attachments.filter((a) => a.policy_arn === extra)).toEqual([expect.objectContaining({ role: expect.stringMatching(/team_maintenance_/) })]);
});
