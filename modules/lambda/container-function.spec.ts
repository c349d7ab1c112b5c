import { Testing, TerraformStack } from "cdktn";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ImageOwner, INITIAL_IMAGE_TAG, LambdaArchitecture, bootstrapImageUri } from "../../model/container-function";
import { APP_OWNED_FUNCTION_ATTRIBUTES, ContainerFunction, lifecyclePolicy, type ContainerFunctionProps } from "./container-function";
import { FunctionUrlOrigin } from "./function-url-origin";

const props: ContainerFunctionProps = {
  functionName: "dev-media-thumbnailer",
  repositoryName: "dev-media-thumbnailer",
  parameterName: "/edge/dev/media/thumbnailer/image-tag",
  accountId: "123456789012",
  region: "ap-northeast-1",
  sid: "media",
  ticket: "MEDIA-1300",
  owner: ImageOwner.APP,
  memoryMb: 1024,
  timeoutSeconds: 20,
  architecture: LambdaArchitecture.ARM64,
  imagesToKeep: 10,
  environmentVariables: {},
  logRetentionDays: 14,
  bootstrapImageUri: bootstrapImageUri("123456789012", "ap-northeast-1", LambdaArchitecture.ARM64),
};

function synth(over: Partial<ContainerFunctionProps> = {}, withOrigin = false) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  const fn = new ContainerFunction(stack, "fn", { ...props, ...over });
  if (withOrigin) {
    const origin = new FunctionUrlOrigin(fn, "origin", {
      functionName: fn.function.functionName,
      name: props.functionName,
      region: props.region,
      readTimeoutSeconds: 20,
    });
    origin.allowDistribution("lp", "arn:aws:cloudfront::123456789012:distribution/E1DEVMEDIALP01");
  }
  const json = JSON.parse(Testing.synth(stack));
  const one = (type: string) => Object.values<any>(json.resource[type])[0];
  return { json, one, fn: one("aws_lambda_function") };
}

test("an immutable repository scanned on push; lifecycle keeps N tagged images by count and expires only untagged ones by age", () => {
  const { one } = synth({ imagesToKeep: 7 });
  expect(one("aws_ecr_repository")).toMatchObject({
    name: "dev-media-thumbnailer",
    image_tag_mutability: "IMMUTABLE",
    image_scanning_configuration: { scan_on_push: true },
  });
  const rules = JSON.parse(one("aws_ecr_lifecycle_policy").policy).rules;
  expect(rules).toEqual(lifecyclePolicy(7).rules);
  const tagged = rules.filter((r: any) => r.selection.tagStatus !== "untagged");
  expect(tagged.map((r: any) => r.selection.countType)).toEqual(["imageCountMoreThan"]);
  expect(tagged[0].selection.countNumber).toBe(7);
  expect(rules.find((r: any) => r.selection.tagStatus === "untagged").selection).toMatchObject({ countType: "sinceImagePushed", countNumber: 1 });
});

test("the repository policy lets Lambda pull for this function only", () => {
  const { one } = synth();
  const [s] = JSON.parse(one("aws_ecr_repository_policy").policy).Statement;
  expect(s).toEqual({
    Sid: "LambdaPullForThisFunctionOnly",
    Effect: "Allow",
    Principal: { Service: "lambda.amazonaws.com" },
    Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    Condition: {
      ArnLike: {
        "aws:SourceArn": [
          "arn:aws:lambda:ap-northeast-1:123456789012:function:dev-media-thumbnailer",
          "arn:aws:lambda:ap-northeast-1:123456789012:function:dev-media-thumbnailer:*",
        ],
      },
    },
  });
});

test("the tag parameter starts as 'initial' and Terraform never writes its value again", () => {
  const { one } = synth();
  expect(one("aws_ssm_parameter")).toMatchObject({
    name: "/edge/dev/media/thumbnailer/image-tag",
    type: "String",
    insecure_value: INITIAL_IMAGE_TAG,
    lifecycle: { ignore_changes: ["insecure_value"] },
  });
});

test("the image comes from the parameter resource (bootstrap image while it is 'initial'), never from a data source or 'latest'", () => {
  const { fn, json } = synth();
  expect(json.data).toBeUndefined();
  expect(fn.image_uri).toMatch(
    /^\$\{lookup\(\{"initial" = "123456789012\.dkr\.ecr\.ap-northeast-1\.amazonaws\.com\/edge-lambda-bootstrap:arm64-v1"\}, aws_ssm_parameter\.fn_image-tag_\w+\.insecure_value, "123456789012\.dkr\.ecr\.ap-northeast-1\.amazonaws\.com\/dev-media-thumbnailer:\$\{aws_ssm_parameter\.fn_image-tag_\w+\.insecure_value\}"\)\}$/,
  );
  expect(fn.image_uri).not.toContain("latest");
});

test("package type Image, JSON logs into its log group, which exists first, with the configured size", () => {
  const { fn, one } = synth({ architecture: LambdaArchitecture.X86_64, reservedConcurrency: 5, environmentVariables: { MAX_WIDTH: "1200" } });
  expect(fn).toMatchObject({
    function_name: "dev-media-thumbnailer",
    package_type: "Image",
    architectures: ["x86_64"],
    memory_size: 1024,
    timeout: 20,
    reserved_concurrent_executions: 5,
    environment: { variables: { MAX_WIDTH: "1200" } },
    tags: { ticket: "MEDIA-1300", "image-owner": "app", sid: "media" },
  });
  expect(fn.logging_config.log_format).toBe("JSON");
  expect(one("aws_cloudwatch_log_group")).toMatchObject({ name: "/aws/lambda/dev-media-thumbnailer", retention_in_days: 14 });
  expect(fn.depends_on).toEqual([
    expect.stringMatching(/^aws_cloudwatch_log_group\.fn_logs_/),
    expect.stringMatching(/^aws_iam_role_policy\.fn_role-policy_/),
    expect.stringMatching(/^aws_ecr_repository_policy\.fn_repository-policy_/),
  ]);
});

test("the role writes its own log group and nothing else", () => {
  const { one } = synth();
  const statements = JSON.parse(one("aws_iam_role_policy").policy).Statement;
  expect(statements).toEqual([
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/dev-media-thumbnailer",
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/dev-media-thumbnailer:*",
      ],
    },
  ]);
});

test("owner app: Terraform ignores the image; owner infra: nothing is ignored", () => {
  expect(synth({ owner: ImageOwner.APP }).fn.lifecycle).toEqual({ ignore_changes: [...APP_OWNED_FUNCTION_ATTRIBUTES] });
  expect(synth({ owner: ImageOwner.APP }).fn.lifecycle.ignore_changes).toEqual(["image_uri"]);
  expect(synth({ owner: ImageOwner.INFRA }).fn.lifecycle?.ignore_changes ?? []).toEqual([]);
  expect(synth({ owner: ImageOwner.INFRA }).fn.tags["image-owner"]).toBe("infra");
});

test("as an origin: an IAM-auth URL, an origin access control of type lambda, and both permissions for the distribution", () => {
  const { json, one } = synth({}, true);
  expect(one("aws_lambda_function_url")).toMatchObject({ authorization_type: "AWS_IAM" });
  expect(one("aws_cloudfront_origin_access_control")).toMatchObject({
    origin_access_control_origin_type: "lambda",
    signing_behavior: "always",
    signing_protocol: "sigv4",
  });
  const permissions = Object.values<any>(json.resource.aws_lambda_permission).map(({ action, principal, source_arn, function_url_auth_type }) => ({
    action,
    principal,
    source_arn,
    function_url_auth_type,
  }));
  const distribution = "arn:aws:cloudfront::123456789012:distribution/E1DEVMEDIALP01";
  expect(permissions.sort((a, b) => a.action.localeCompare(b.action))).toEqual(
    [
      { action: "lambda:InvokeFunctionUrl", principal: "cloudfront.amazonaws.com", source_arn: distribution, function_url_auth_type: "AWS_IAM" },
      { action: "lambda:InvokeFunction", principal: "cloudfront.amazonaws.com", source_arn: distribution, function_url_auth_type: undefined },
    ].sort((a, b) => a.action.localeCompare(b.action)),
  );
});
