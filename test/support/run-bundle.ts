/**
 * Runs a built Lambda bundle (dist/<name>/index.js) in a fresh Node process, the way Lambda loads it: require the
 * file, call `handler(event)`. Returns the result and the objects the handler logged. The environment is exactly
 * `env` plus PATH, so no AWS profile or credentials of the machine leak in.
 */
import { spawn } from "node:child_process";

const RUNNER = `
const logs = [];
for (const level of ["log", "info", "warn", "error"]) console[level] = (fields) => logs.push({ level, fields });
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (c) => (input += c)).on("end", async () => {
  let out;
  try {
    const { handler } = require(process.env.BUNDLE_FILE);
    out = { result: await handler(JSON.parse(input)), logs };
  } catch (e) {
    out = { error: { name: e.name, message: e.message }, logs };
  }
  process.stdout.write(JSON.stringify(out));
});
`;

export interface BundleRun {
  result?: any;
  error?: { name: string; message: string };
  logs: { level: string; fields: any }[];
}

export function runBundle(bundleFile: string, event: unknown, env: Record<string, string>): Promise<BundleRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", RUNNER], {
      env: { PATH: process.env.PATH ?? "", NODE_NO_WARNINGS: "1", BUNDLE_FILE: bundleFile, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`bundle run failed (exit ${code}):\n${stderr}\n${stdout}`));
      }
    });
    child.stdin.end(JSON.stringify(event));
  });
}

/** Environment for the bundle against a local CloudFront endpoint, with dummy credentials. */
export function localAwsEnv(endpoint: string, invalidatorConfig: object): Record<string, string> {
  return {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
    AWS_SECRET_ACCESS_KEY: "local-test-secret",
    AWS_ENDPOINT_URL_CLOUDFRONT: endpoint,
    AWS_EC2_METADATA_DISABLED: "true",
    INVALIDATOR_CONFIG: JSON.stringify(invalidatorConfig),
  };
}
