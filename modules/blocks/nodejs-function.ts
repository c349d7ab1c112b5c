import type { TerraformAsset, TerraformProvider } from "cdktn";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { lambdaLogGroupName } from "../../model/names";
import type { PolicyStatement } from "./policy";
import { ServiceRole } from "./service-role";

export interface NodejsFunctionProps {
  /** The function's name; its log group is `/aws/lambda/<name>`. */
  readonly functionName: string;
  /** The function's description. */
  readonly description: string;
  /** The bundled handler (modules/blocks/lambda-bundle.ts) as an asset: a zip holding index.js, exporting `handler`. */
  readonly code: TerraformAsset;
  /** Seconds an invocation may run. */
  readonly timeoutSeconds: number;
  /** Environment variables (the handler's configuration). */
  readonly environment: Readonly<Record<string, string>>;
  /** Retention of the log group, in days. */
  readonly logRetentionDays: number;
  /** Concurrent executions reserved (and allowed). @default unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** AWS account of the function, for the role's trust condition. */
  readonly accountId: string;
  /** Name of the execution role. */
  readonly roleName: string;
  /** What the role is for. */
  readonly roleDescription: string;
  /** Name of the role's inline policy. */
  readonly policyName: string;
  /** The role's whole permission set, each statement naming its resources (writeLogsStatement for the log group). */
  readonly statements: PolicyStatement[];
  /** Require aws:SourceAccount in the role's trust policy (ServiceRoleProps.sourceAccountCondition). @default true */
  readonly sourceAccountCondition?: boolean;
  /** Provider of another region. @default the scope's default provider */
  readonly provider?: TerraformProvider;
}

/** Construct ids of the resources when they are created in the owner's scope. */
export interface NodejsFunctionIds {
  readonly logGroup: string;
  readonly role: string;
  readonly rolePolicy: string;
  readonly function: string;
}

/** The resources of a Node.js function. */
export interface NodejsFunctionResources {
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;
  readonly rolePolicy: IamRolePolicy;
  readonly function: LambdaFunction;
}

/** Memory of the project's handlers: they call AWS APIs and wait, so more memory buys nothing. */
const MEMORY_MB = 256;

/**
 * A Node.js 22 Lambda function on arm64 with its log group (created first, with retention, and written as JSON) and
 * its execution role with one inline policy.
 *
 * Owns: the function, its log group, role and role policy. Leaves alone: the code's bucket or file (an asset).
 */
export class NodejsFunction extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;
  readonly rolePolicy: IamRolePolicy;
  readonly function: LambdaFunction;

  constructor(scope: Construct, id: string, props: NodejsFunctionProps) {
    super(scope, id);
    ({
      logGroup: this.logGroup,
      role: this.role,
      rolePolicy: this.rolePolicy,
      function: this.function,
    } = NodejsFunction.resources(this, { logGroup: "logs", role: "role", rolePolicy: "role-policy", function: "function" }, props));
  }

  /**
   * Creates the resources directly in `scope` under the given ids: for constructs whose functions existed before
   * this building block, so their Terraform addresses stay the same.
   */
  static resources(scope: Construct, ids: NodejsFunctionIds, props: NodejsFunctionProps): NodejsFunctionResources {
    const { provider } = props;
    const logGroup = new CloudwatchLogGroup(scope, ids.logGroup, {
      provider,
      name: lambdaLogGroupName(props.functionName),
      retentionInDays: props.logRetentionDays,
    });
    const { role, policy: rolePolicy } = ServiceRole.resources(
      scope,
      { role: ids.role, policy: ids.rolePolicy },
      {
        provider,
        name: props.roleName,
        suffix: "execution",
        roleName: props.roleName,
        service: "lambda.amazonaws.com",
        accountId: props.accountId,
        sourceAccountCondition: props.sourceAccountCondition,
        description: props.roleDescription,
        policyName: props.policyName,
        policyRoleAttribute: "name",
        statements: props.statements,
      },
    );
    const fn = new LambdaFunction(scope, ids.function, {
      provider,
      functionName: props.functionName,
      description: props.description,
      role: role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      filename: props.code.path,
      // The zip's bytes are not what changes the code; the bundle's hash is.
      sourceCodeHash: props.code.assetHash,
      memorySize: MEMORY_MB,
      timeout: props.timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: { variables: { ...props.environment } },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      // The log group first, or the first invocation creates one without retention.
      dependsOn: [logGroup, rolePolicy],
    });
    return { logGroup, role, rolePolicy, function: fn };
  }
}
