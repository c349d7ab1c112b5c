import { Aspects, Fn } from "cdktn";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcrRepositoryPolicy } from "@cdktf/provider-aws/lib/ecr-repository-policy";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { IMAGE_OWNER_TAG, INITIAL_IMAGE_TAG, ImageOwner, registryHost, type ResolvedContainerFunction } from "../../model/container-function";
import { policyJson } from "../blocks/policy";
import { ServiceRole } from "../blocks/service-role";
import { SidTags } from "../aspects/sid-tags";
import { lambdaFunctionArn, lambdaLogGroupName } from "../../model/names";
import { writeLogsStatement } from "../blocks/grants";

/**
 * What Terraform leaves alone on a function whose image the application team ships (owner `app`): the image. The
 * team's pipeline calls UpdateFunctionCode, so the state's image_uri is the team's; without this the next plan
 * would put back whatever the parameter said at the last apply.
 */
export const APP_OWNED_FUNCTION_ATTRIBUTES: readonly string[] = ["image_uri"];
/** Owner `infra`: nothing; the parameter's tag is deployed and a code update made elsewhere is reverted. */
export const INFRA_OWNED_FUNCTION_ATTRIBUTES: readonly string[] = [];
/**
 * The tag parameter's value belongs to whoever ships images: Terraform creates it with INITIAL_IMAGE_TAG and never
 * writes it again. On refresh the provider still reads the current value into state (so the function's image_uri,
 * which references it, sees the team's tag) while the parameter itself plans no change. Checked on
 * hashicorp/aws 5.100.0; creating it sends Overwrite=false, so an existing parameter must be imported first.
 */
export const PARAMETER_IGNORED_ATTRIBUTES: readonly string[] = ["insecure_value"];

/** The ECR actions Lambda needs on the repository to pull an image (AWS Lambda developer guide, "Amazon ECR permissions"). */
export const LAMBDA_PULL_ACTIONS = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] as const;

/**
 * A resolved container function (model/container-function.ts ResolvedContainerFunction: defaults applied, names computed) and
 * where it lives.
 */
export interface ContainerFunctionProps extends Omit<ResolvedContainerFunction, "name" | "origin"> {
  /** The environment's account. */
  readonly accountId: string;
  /** The environment's main region (the function, repository, parameter and log group live there). */
  readonly region: string;
}

/**
 * A Lambda function whose container image an application team builds and ships, and everything around it that the
 * infrastructure team owns.
 *
 * - ECR repository `<name>`: immutable tags (a tag names one image forever, so a parameter value means one thing),
 *   scan on push. Lifecycle: untagged images expire after a day; tagged images are kept by count only, never by
 *   age (an expired running image stops the function with `ImageDeleted`). Repository policy: Lambda may pull only
 *   for this function (`aws:SourceArn`); without it Lambda would add its own statement at creation, which would
 *   then show as drift.
 * - SSM parameter (String) created with INITIAL_IMAGE_TAG; its value is never written by Terraform afterwards.
 * - Log group `/aws/lambda/<name>` with retention, created before the function (JSON logs go there).
 * - Role: write its own log group, nothing else.
 * - The function (`package_type = Image`): `image_uri` is the repository and the parameter's tag, or the bootstrap
 *   image while the parameter is still INITIAL_IMAGE_TAG. It references the parameter resource (never a data
 *   source, which would fail the whole plan before the parameter exists).
 *
 * Owns: every argument of every resource, except the parameter's value and, for owner `app`, the function's
 * `image_uri`. Leaves alone: the images in the repository (the team's), the parameter's value.
 */
export class ContainerFunction extends Construct {
  readonly repository: EcrRepository;
  readonly parameter: SsmParameter;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;
  readonly function: LambdaFunction;
  /** `<registry>/<repository>`, literal. */
  readonly repositoryUrl: string;
  /** The function's ARN, literal (known at plan time). */
  readonly functionArn: string;
  /** Names of the roles only an AWS service assumes (the change recorder treats their changes as automation): the execution role. */
  readonly serviceRoleNames: string[];

  constructor(scope: Construct, id: string, props: ContainerFunctionProps) {
    super(scope, id);
    const name = props.functionName;
    this.functionArn = lambdaFunctionArn(props.region, props.accountId, name);
    this.repositoryUrl = `${registryHost(props.accountId, props.region)}/${props.repositoryName}`;
    const tags = { ticket: props.ticket };

    const { repository, policy: repositoryPolicy } = this.createRepository(props);
    this.repository = repository;
    this.parameter = new SsmParameter(this, "image-tag", {
      name: props.parameterName,
      type: "String",
      description: `Image tag ${name} runs (${props.owner === ImageOwner.APP ? "written by the application team's pipeline after UpdateFunctionCode" : "deployed by the next apply"}); "${INITIAL_IMAGE_TAG}" = bootstrap image`,
      insecureValue: INITIAL_IMAGE_TAG,
      tags,
      lifecycle: { ignoreChanges: [...PARAMETER_IGNORED_ATTRIBUTES] },
    });

    const logGroupName = lambdaLogGroupName(name);
    this.logGroup = new CloudwatchLogGroup(this, "logs", { name: logGroupName, retentionInDays: props.logRetentionDays, tags });
    this.serviceRoleNames = [name];
    const { role, policy: rolePolicy } = ServiceRole.resources(
      this,
      { role: "role", policy: "role-policy" },
      {
        name,
        suffix: "execution",
        roleName: name,
        description: `Execution role of ${name} (container image; writes its own log group only)`,
        service: "lambda.amazonaws.com",
        accountId: props.accountId,
        // Lambda's documented trust policy for execution roles has no condition (ServiceRoleProps.sourceAccountCondition).
        sourceAccountCondition: false,
        tags,
        policyName: "write-own-logs",
        policyRoleAttribute: "name",
        statements: [writeLogsStatement("WriteOwnLogs", props.region, props.accountId, logGroupName)],
      },
    );
    this.role = role;

    // While the parameter still says "initial" the team has shipped nothing: run the bootstrap image. lookup() keeps
    // this one function call (no literal template text); the default is the team's tag in this repository.
    const imageUri = Fn.lookup(
      { [INITIAL_IMAGE_TAG]: props.bootstrapImageUri },
      this.parameter.insecureValue,
      `${this.repositoryUrl}:${this.parameter.insecureValue}`,
    );
    const variables = props.environmentVariables;
    this.function = new LambdaFunction(this, "function", {
      functionName: name,
      description: `${props.ticket} ${name}: container image shipped by the ${props.owner === ImageOwner.APP ? "application team" : "tag parameter at apply"}`,
      role: this.role.arn,
      packageType: "Image",
      imageUri,
      architectures: [props.architecture],
      memorySize: props.memoryMb,
      timeout: props.timeoutSeconds,
      environment: Object.keys(variables).length > 0 ? { variables } : undefined,
      reservedConcurrentExecutions: props.reservedConcurrency,
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
      tags: { ...tags, [IMAGE_OWNER_TAG]: props.owner },
      // The log group first (or the first invocation creates one without retention), the role's policy, and the
      // repository policy (or Lambda adds a statement of its own that the next plan would show as drift).
      dependsOn: [this.logGroup, rolePolicy, repositoryPolicy],
      lifecycle: {
        ignoreChanges: [...(props.owner === ImageOwner.APP ? APP_OWNED_FUNCTION_ATTRIBUTES : INFRA_OWNED_FUNCTION_ATTRIBUTES)],
      },
    });

    Aspects.of(this).add(new SidTags(props.sid));
  }

  /**
   * The image repository, its lifecycle and its policy (the function waits for the policy, or Lambda adds a statement
   * of its own that the next plan would show as drift).
   */
  private createRepository(props: ContainerFunctionProps): { repository: EcrRepository; policy: EcrRepositoryPolicy } {
    const functionArn = this.functionArn;
    const tags = { ticket: props.ticket };
    const repository = new EcrRepository(this, "repository", {
      name: props.repositoryName,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "AES256" }],
      tags,
    });
    new EcrLifecyclePolicy(this, "lifecycle", {
      repository: repository.name,
      policy: JSON.stringify(lifecyclePolicy(props.imagesToKeep)),
    });
    const policy = new EcrRepositoryPolicy(this, "repository-policy", {
      repository: repository.name,
      policy: policyJson({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "LambdaPullForThisFunctionOnly",
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: [...LAMBDA_PULL_ACTIONS],
            // The unqualified ARN and its versions/aliases.
            Condition: { ArnLike: { "aws:SourceArn": [functionArn, `${functionArn}:*`] } },
          },
        ],
      }),
    });
    return { repository, policy };
  }
}

/** ECR lifecycle rules: untagged images expire after a day; of the tagged ones the newest `keep` stay. */
export function lifecyclePolicy(keep: number) {
  return {
    rules: [
      {
        rulePriority: 1,
        description: "Untagged images (layers of failed or superseded pushes) expire after a day",
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the ${keep} most recently pushed tagged images; never expire tagged images by age`,
        selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: keep },
        action: { type: "expire" },
      },
    ],
  };
}
