/**
 * Container-image rules (modules/lambda/container-function.ts): the image repository is immutable, scanned, never loses a
 * tagged image by age, and admits Lambda only for named functions; every Lambda function logs into a group the
 * stack creates first.
 */
import { Level, list, resources, type Finding, type Rule, type StackJson } from "../rule";

const REPO = { image_tag_mutability: "IMMUTABLE", image_scanning_configuration: { scan_on_push: true } };
const REF = "${aws_ecr_repository.r.name}";
const lifecycle = (rules: object[]) => ({ l: { repository: REF, policy: JSON.stringify({ rules }) } });
const UNTAGGED_BY_AGE = {
  rulePriority: 1,
  selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
  action: { type: "expire" },
};
const TAGGED_BY_COUNT = {
  rulePriority: 2,
  selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 10 },
  action: { type: "expire" },
};
const repositoryPolicy = (statement: object) => ({ p: { repository: REF, policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) } });
const LAMBDA_PULL = { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] };
const FOR_ONE_FUNCTION = { ...LAMBDA_PULL, Condition: { ArnLike: { "aws:SourceArn": "arn:aws:lambda:ap-northeast-1:123456789012:function:dev-shop-x" } } };

export const repositoriesAreImmutableAndScanned: Rule = {
  id: "EDGE-ECR-1",
  level: Level.ERROR,
  title: "Every ECR repository has immutable tags and scans on push",
  explanation:
    "A container function's image tag (in its SSM parameter) must name one image forever: with mutable tags a push " +
    "of the same tag silently changes what a re-created function or the next infra-owned deploy runs " +
    "(https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html). Scan on push reports " +
    "known vulnerabilities of every image the application team ships. Set image_tag_mutability = IMMUTABLE and " +
    "image_scanning_configuration.scan_on_push = true.",
  check: (stack) =>
    resources(stack)
      .filter(([, type]) => type === "aws_ecr_repository")
      .flatMap(([address, , r]): Finding[] => [
        ...(r.image_tag_mutability === "IMMUTABLE" ? [] : [{ address, message: "does not make tags IMMUTABLE" }]),
        ...(r.image_scanning_configuration?.scan_on_push === true ? [] : [{ address, message: "does not scan on push" }]),
      ]),
  examples: {
    violating: { resource: { aws_ecr_repository: { r: { image_tag_mutability: "MUTABLE" } } } },
    passing: { resource: { aws_ecr_repository: { r: REPO } } },
  },
};

export const repositoriesKeepTaggedImages: Rule = {
  id: "EDGE-ECR-2",
  level: Level.ERROR,
  title: "Every ECR repository has a lifecycle policy that never expires tagged images by age",
  explanation:
    "Untagged layers pile up and cost money without a lifecycle policy, but a rule that expires tagged images by age " +
    "deletes the image a function still runs, and the function then fails with ImageDeleted " +
    "(https://docs.aws.amazon.com/lambda/latest/dg/images-create.html). Expire untagged images by age and keep " +
    "tagged ones by count (imageCountMoreThan) only.",
  check(stack) {
    const policies = Object.values<StackJson>(stack.resource?.aws_ecr_lifecycle_policy ?? {});
    return resources(stack)
      .filter(([, type]) => type === "aws_ecr_repository")
      .flatMap(([address, , _r]): Finding[] => {
        const name = address.split(".")[1];
        const policy = policies.find((l) => l.repository === `\${aws_ecr_repository.${name}.name}`);
        if (!policy) return [{ address, message: "has no lifecycle policy" }];
        return list<StackJson>(JSON.parse(policy.policy).rules)
          .filter((rule) => rule.selection?.tagStatus !== "untagged" && rule.selection?.countType === "sinceImagePushed")
          .map((rule) => ({ address, message: `lifecycle rule ${rule.rulePriority} expires tagged images by age` }));
      });
  },
  examples: {
    violating: {
      resource: {
        aws_ecr_repository: { r: REPO },
        aws_ecr_lifecycle_policy: lifecycle([
          { ...TAGGED_BY_COUNT, selection: { tagStatus: "any", countType: "sinceImagePushed", countUnit: "days", countNumber: 90 } },
        ]),
      },
    },
    passing: { resource: { aws_ecr_repository: { r: REPO }, aws_ecr_lifecycle_policy: lifecycle([UNTAGGED_BY_AGE, TAGGED_BY_COUNT]) } },
  },
};

export const repositoryPoliciesNameFunctions: Rule = {
  id: "EDGE-ECR-3",
  level: Level.ERROR,
  title: "ECR repository policies admit only a service, and only for named functions (aws:SourceArn)",
  explanation:
    "A repository policy that admits lambda.amazonaws.com without aws:SourceArn (or with function:*) lets every " +
    'function of every account that knows the repository pull the images; one that admits "*" or an account ' +
    "opens them further (https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#configuration-images-permissions). " +
    "Allow the service with ArnLike aws:SourceArn on the function (and its qualified versions) that runs the images.",
  check: (stack) =>
    resources(stack)
      .filter(([, type]) => type === "aws_ecr_repository_policy")
      .flatMap(([address, , p]): Finding[] =>
        list<StackJson>(JSON.parse(p.policy).Statement)
          .filter((s) => s.Effect === "Allow")
          .flatMap((s): Finding[] => {
            const service = typeof s.Principal === "object" ? s.Principal.Service : undefined;
            const arns = list<string>(s.Condition?.ArnLike?.["aws:SourceArn"] ?? s.Condition?.ArnEquals?.["aws:SourceArn"]);
            if (!service) return [{ address, message: `${s.Sid ?? "a statement"} admits ${JSON.stringify(s.Principal)}, not a service` }];
            if (arns.length === 0 || arns.some((a) => /:function:[^:]*\*/.test(a)))
              return [{ address, message: `${s.Sid ?? "a statement"} is not limited to named functions (aws:SourceArn)` }];
            return [];
          }),
      ),
  examples: {
    violating: { resource: { aws_ecr_repository_policy: { ...repositoryPolicy(LAMBDA_PULL), q: repositoryPolicy({ ...LAMBDA_PULL, Principal: "*" }).p } } },
    passing: { resource: { aws_ecr_repository_policy: repositoryPolicy(FOR_ONE_FUNCTION) } },
  },
};

const FN = { logging_config: { log_group: "${aws_cloudwatch_log_group.g.name}" }, depends_on: ["aws_cloudwatch_log_group.g"] };

export const lambdasHaveLogGroups: Rule = {
  id: "EDGE-LAMBDA-1",
  level: Level.ERROR,
  title: "Every Lambda function logs into a log group of the stack that it depends on",
  explanation:
    "A function whose group does not exist yet creates /aws/lambda/<name> on its first invocation, without retention " +
    "and outside Terraform (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html). " +
    "Create the group with a retention, point logging_config.log_group at it and make the function depend on it.",
  check: (stack) =>
    resources(stack)
      .filter(([, type]) => type === "aws_lambda_function")
      .flatMap(([address, , fn]): Finding[] => {
        const m = /^\$\{aws_cloudwatch_log_group\.([^.]+)\.name\}$/.exec(fn.logging_config?.log_group ?? "");
        if (!m) return [{ address, message: "does not log into a log group of this stack (logging_config.log_group)" }];
        return (fn.depends_on ?? []).includes(`aws_cloudwatch_log_group.${m[1]}`) ? [] : [{ address, message: "does not depend on its log group" }];
      }),
  examples: {
    violating: { resource: { aws_lambda_function: { f: { ...FN, depends_on: [] }, h: {} } } },
    passing: { resource: { aws_lambda_function: { f: FN } } },
  },
};
