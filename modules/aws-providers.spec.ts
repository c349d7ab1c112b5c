import { Testing, TerraformStack } from "cdktn";
import { AwsProviders } from "./aws-providers";

const props = { region: "ap-northeast-1", accountId: "123456789012", defaultTags: { environment: "dev", "managed-by": "cdktf" } };

function synth(use: (p: AwsProviders) => void = () => {}) {
  const stack = new TerraformStack(Testing.app(), "test");
  const providers = new AwsProviders(stack, props);
  use(providers);
  return JSON.parse(Testing.synth(stack)).provider.aws;
}

test("the main region's provider and the us-east-1 alias, each limited to the account and carrying the default tags", () => {
  const guard = { allowed_account_ids: [props.accountId], default_tags: [{ tags: props.defaultTags }] };
  expect(synth()).toEqual([
    { region: "ap-northeast-1", ...guard },
    { region: "us-east-1", alias: "us_east_1", ...guard },
  ]);
});

test("forRegion: the main provider in the main region; elsewhere one aliased provider per feature and region", () => {
  const got: unknown[] = [];
  const aws = synth((p) => {
    got.push(p.forRegion("ap-northeast-1", "change-recorder") === p.main);
    const eu = p.forRegion("eu-west-1", "change-recorder");
    got.push(p.forRegion("eu-west-1", "change-recorder") === eu);
  });
  expect(got).toEqual([true, true]);
  expect(aws).toHaveLength(3);
  expect(aws[2]).toEqual({
    region: "eu-west-1",
    alias: "change_recorder_eu_west_1",
    allowed_account_ids: [props.accountId],
    default_tags: [{ tags: props.defaultTags }],
  });
});
