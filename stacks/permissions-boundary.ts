import { Aspects, type TerraformStack } from "cdktn";
import type { ResolvedEnvironment } from "../model/resolved";
import { InfraRoleKind, infraRoleName } from "../model/deploy-roles";
import { changeRecorderNames } from "../model/change-recorder";
import { PermissionsBoundary } from "../modules/access/permissions-boundary";

/**
 * The environment's permissions boundary, on every IAM role of the stack. The deploy roles are protected by it when
 * the environment has them; the state bucket when the backend is S3.
 */
export function addPermissionsBoundary(stack: TerraformStack, env: ResolvedEnvironment): PermissionsBoundary {
  const boundary = new PermissionsBoundary(stack, "permissions-boundary", {
    envName: env.name,
    accountId: env.accountId,
    protectedRoleNames: env.deployRoles ? [InfraRoleKind.PLAN, InfraRoleKind.APPLY].map((k) => infraRoleName(env.name, k)) : [],
    stateBucket: env.backend.type === "s3" ? env.backend.bucket : undefined,
    allowedAwsManagedPolicyArns: env.deployRoles?.allowedAwsManagedPolicyArns ?? [],
    recordBuckets: env.changeRecorder ? [changeRecorderNames(env.name, env.accountId).bucketName] : [],
  });
  Aspects.of(stack).add(boundary.aspect());
  return boundary;
}
