import type { Construct } from "constructs";
import type { ResolvedEnvironment } from "../model/resolved";
import { githubOidcProviderArn } from "../model/names";
import { changeRecorderNames } from "../model/change-recorder";
import { GithubOidcProvider } from "../modules/access/github-oidc-provider";
import { InfraDeployRoles } from "../modules/access/infra-deploy-roles";

/**
 * The infrastructure team's plan and apply roles (`deployRoles` in the environment), trusting the account's GitHub
 * OIDC provider: the one the application-team roles already use when the stack has it, otherwise made here from
 * `githubOidc` the same way; without `githubOidc`, the account's provider is expected to exist already (IAM allows
 * one per URL and account, so its ARN is known). `githubOidc`: the provider stacks/access.ts made, if any.
 */
export function addDeployRoles(scope: Construct, env: ResolvedEnvironment, githubOidc?: GithubOidcProvider): InfraDeployRoles | undefined {
  const r = env.deployRoles;
  if (!r) return undefined;
  const oidc =
    githubOidc ??
    new GithubOidcProvider(scope, "github-oidc", {
      accountId: env.accountId,
      existingProviderArn: env.githubOidc ? env.githubOidc.existingProviderArn : githubOidcProviderArn(env.accountId),
    });
  const b = env.backend;
  return new InfraDeployRoles(scope, "infra-deploy-roles", {
    envName: env.name,
    accountId: env.accountId,
    region: env.region,
    ...r,
    regions: env.changeRecorder?.forwardRegions ?? [],
    recordBuckets: env.changeRecorder ? [changeRecorderNames(env.name, env.accountId).bucketName] : [],
    bucketNames: env.sites.map((s) => s.bucketName).filter((n) => !n.startsWith(`${env.name}-`)),
    oidcProviderArn: oidc.arn,
    oidcProvider: oidc.resource,
    state:
      b.type === "s3"
        ? { bucket: b.bucket, key: b.key, kmsKeyId: b.kmsKeyId, dynamodbTable: b.dynamodbTable, useLockfile: b.useLockfile, region: b.region }
        : undefined,
  });
}
