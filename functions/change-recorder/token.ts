/**
 * The GitHub token, read at run time from an SSM SecureString created outside Terraform (so it is never in state
 * or in the function's environment). Cached per execution environment for a few minutes, so a rotated token is
 * picked up without a deploy.
 */
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";

const CACHE_MS = 5 * 60 * 1000;
let cached: { name: string; value: string; at: number } | undefined;

export async function githubToken(ssm: SSMClient, name: string, now = Date.now()): Promise<string> {
  if (cached && cached.name === name && now - cached.at < CACHE_MS) return cached.value;
  const out = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  const value = out.Parameter?.Value?.trim();
  if (!value) throw new Error(`SSM parameter ${name} is empty`);
  cached = { name, value, at: now };
  return value;
}

/** Forgets the cached token (after GitHub answers 401: it was rotated or revoked). */
export function forgetToken(): void {
  cached = undefined;
}
