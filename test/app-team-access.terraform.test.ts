import { changedResources, prepareWorkdir, terraformPlan } from "../scripts/lib/terraform";
import { synthesizeExamples } from "./support/synth";
import { describeWithTerraform } from "./support/terraform";

// The dev example (both products with both roles): `npm run validate` has usually planned it already (the plan cache
// is keyed by content, so this suite's own work directory reuses that plan).
const stack = synthesizeExamples().dev;
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
    expect(doc.Statement[0].Resource).toBe("arn:aws:cloudfront::123456789012:function/${aws:PrincipalTag/environment}-${aws:PrincipalTag/sid}-*");
    expect(doc.Statement[1].Resource).toEqual([
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudfront/function/${aws:PrincipalTag/environment}-${aws:PrincipalTag/sid}-*",
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudfront/function/${aws:PrincipalTag/environment}-${aws:PrincipalTag/sid}-*:*",
    ]);
  });

  test("both roles carry environment and sid on the role, attach the policy, and the OIDC provider is created", () => {
    const roles = after("aws_iam_role.").filter(isAppTeam);
    expect(roles.map((r: any) => [r.name, r.tags_all.environment, r.tags_all.sid, r.max_session_duration]).sort()).toEqual([
      ["dev-media-cf2-cicd", "dev", "media", 3600],
      ["dev-media-cf2-maintenance", "dev", "media", 3600],
      ["dev-shop-cf2-cicd", "dev", "shop", 3600],
      ["dev-shop-cf2-maintenance", "dev", "shop", 3600],
    ]);
    expect(after("aws_iam_role_policy_attachment.").filter(isAppTeam).map((a: any) => [a.role, a.policy_arn]).sort()).toEqual([
      ["dev-media-cf2-cicd", "arn:aws:iam::123456789012:policy/dev-cf2-app-team"],
      ["dev-media-cf2-maintenance", "arn:aws:iam::123456789012:policy/dev-cf2-app-team"],
      ["dev-shop-cf2-cicd", "arn:aws:iam::123456789012:policy/dev-cf2-app-team"],
      ["dev-shop-cf2-maintenance", "arn:aws:iam::123456789012:policy/dev-cf2-app-team"],
    ]);
    expect(after("aws_iam_openid_connect_provider.")).toEqual([expect.objectContaining({ url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] })]);
    expect(changedResources(plan).every((c) => c.endsWith(": create"))).toBe(true);
  });
});
