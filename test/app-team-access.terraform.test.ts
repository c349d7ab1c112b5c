import { changedResources, prepareWorkdir, terraformPlan } from "../scripts/lib/terraform";
import * as path from "node:path";
import { synthesizeExamples } from "./support/synth";
import { loadEnvironments } from "../config/load";
import { loadFunctions } from "../config/functions/cf2/load";
import { FunctionOwner } from "../model/vocabulary";
import { functionName } from "../model/names";
import { describeWithTerraform } from "./support/terraform";

// The dev example (both products with both roles): `npm run validate` has usually planned it already (the plan cache
// is keyed by content, so this suite's own work directory reuses that plan).
const stack = synthesizeExamples().dev;
const functions = loadFunctions(loadEnvironments(path.join(__dirname, "..", "environments")), path.join(__dirname, "..", "functions", "cf2"));
const isAppTeam = (r: any) => /-cf2-(app-team|maintenance|cicd)$/.test(r.name ?? r.role ?? "");

describeWithTerraform("application-team access, as Terraform will send it (offline plan)", () => {
  let plan: any;
  const after = (prefix: string) => {
    plan ??= terraformPlan(prepareWorkdir("test-app-team-dev", stack).dir).plan;
    return plan.resource_changes.filter((rc: any) => rc.address.startsWith(prefix)).map((rc: any) => rc.change.after);
  };

  test("the policy Terraform creates carries ${aws:PrincipalTag/...} literally (cdktf's $${ escape is undone)", () => {
    const [policy] = after("aws_iam_policy.").filter(isAppTeam);
    expect(policy.policy).not.toContain("$${");
    const doc = JSON.parse(policy.policy);
    const statement = (sid: string) => doc.Statement.find((s: any) => s.Sid === sid);
    expect(statement("OwnFunctions").Resource).toBe("arn:aws:cloudfront::123456789012:function/${aws:PrincipalTag/environment}-${aws:PrincipalTag/sid}-*");
    expect(statement("OwnFunctionLogs").Resource).toEqual([
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudfront/function/${aws:PrincipalTag/environment}-${aws:PrincipalTag/sid}-*",
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudfront/function/${aws:PrincipalTag/environment}-${aws:PrincipalTag/sid}-*:*",
    ]);
  });

  test("the explicit deny names every infra-owned function of the environment, from the manifests", () => {
    const [policy] = after("aws_iam_policy.").filter(isAppTeam);
    const deny = JSON.parse(policy.policy).Statement.find((s: any) => s.Sid === "InfrastructureOwnedFunctions");
    const expected = functions
      .filter((f) => f.manifest.owner === FunctionOwner.INFRA && f.manifest.environments.includes("dev"))
      .map((f) => `arn:aws:cloudfront::123456789012:function/${functionName("dev", f.manifest.sid, f.manifest.name)}`)
      .sort();
    if (expected.length === 0) expect(deny).toBeUndefined();
    else
      expect(deny).toEqual({
        Sid: "InfrastructureOwnedFunctions",
        Effect: "Deny",
        Action: ["cloudfront:UpdateFunction", "cloudfront:PublishFunction", "cloudfront:TestFunction"],
        Resource: expected,
      });
  });

  test("the CI/CD trust Terraform creates pins the repository and owner ids", () => {
    const cicd = after("aws_iam_role.").filter((r: any) => /-cf2-cicd$/.test(r.name));
    expect(cicd.length).toBeGreaterThan(0);
    for (const r of cicd) {
      const conditions = JSON.parse(r.assume_role_policy).Statement[0].Condition.StringEquals;
      expect(conditions["token.actions.githubusercontent.com:repository_id"]).toMatch(/^\d+$/);
      expect(conditions["token.actions.githubusercontent.com:repository_owner_id"]).toMatch(/^\d+$/);
    }
  });

  test("both roles carry environment and sid on the role, attach the policy, and the OIDC provider is created", () => {
    const roles = after("aws_iam_role.").filter(isAppTeam);
    expect(roles.map((r: any) => [r.name, r.tags_all.environment, r.tags_all.sid, r.max_session_duration]).sort()).toEqual([
      ["dev-media-cf2-cicd", "dev", "media", 3600],
      ["dev-media-cf2-maintenance", "dev", "media", 3600],
      ["dev-shop-cf2-cicd", "dev", "shop", 3600],
      ["dev-shop-cf2-maintenance", "dev", "shop", 3600],
    ]);
    // The CloudFront Function policy; roles of products with container functions also attach <env>-lambda-app-team (test/lambda-access.test.ts).
    const cf2Attachments = after("aws_iam_role_policy_attachment.")
      .filter(isAppTeam)
      .filter((a: any) => a.policy_arn.endsWith(":policy/dev-cf2-app-team"));
    expect(cf2Attachments.map((a: any) => [a.role, a.policy_arn]).sort()).toEqual([
      ["dev-media-cf2-cicd", "arn:aws:iam::123456789012:policy/dev-cf2-app-team"],
      ["dev-media-cf2-maintenance", "arn:aws:iam::123456789012:policy/dev-cf2-app-team"],
      ["dev-shop-cf2-cicd", "arn:aws:iam::123456789012:policy/dev-cf2-app-team"],
      ["dev-shop-cf2-maintenance", "arn:aws:iam::123456789012:policy/dev-cf2-app-team"],
    ]);
    expect(after("aws_iam_openid_connect_provider.")).toEqual([
      expect.objectContaining({ url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] }),
    ]);
    expect(changedResources(plan).every((c) => c.endsWith(": create"))).toBe(true);
  });
});
