/**
 * The resolve step for container functions: the validated manifests that list an environment become
 * ResolvedContainerFunctions (model/container-function.ts), with every default applied and every name computed once.
 */
import {
  bootstrapImageUri,
  imageTagParameterName,
  containerFunctionName,
  containerFunctionRepositoryName,
  type ResolvedContainerFunction,
} from "../../../model/container-function";
import type { Environment } from "../../environment";
import { containerFunctionsOf, type ContainerFunctionSpec } from "./load";

export function resolveContainerFunctions(env: Environment, specs: readonly ContainerFunctionSpec[] = []): ResolvedContainerFunction[] {
  return containerFunctionsOf(env.name, [...specs]).map(({ manifest: m }) => ({
    name: m.name,
    functionName: containerFunctionName(env.name, m.sid, m.name),
    repositoryName: containerFunctionRepositoryName(env.name, m.sid, m.name),
    parameterName: imageTagParameterName(env.name, m.sid, m.name),
    sid: m.sid,
    ticket: m.ticket,
    owner: m.owner,
    memoryMb: m.memory,
    timeoutSeconds: m.timeout,
    architecture: m.architecture,
    imagesToKeep: m.imagesToKeep,
    environmentVariables: m.environmentVariables,
    reservedConcurrency: m.reservedConcurrency,
    logRetentionDays: m.retentionDays ?? env.logRetentionDays,
    bootstrapImageUri: bootstrapImageUri(env.accountId, env.region, m.architecture),
    origin: m.origin,
  }));
}
