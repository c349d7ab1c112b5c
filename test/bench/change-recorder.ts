/**
 * Part of `npm run bench` (section "recorder"): the change recorder's bundle (dist/change-recorder/index.js, built by
 * `npm run build`), its size, its cold module initialisation in fresh Node processes (what Lambda pays on a cold
 * start before the first event), and a burst of console edits replayed through one execution environment against
 * local S3, SSM and GitHub fakes (test/support): records, issues, comments and GitHub calls. Prints; asserts nothing.
 */
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { bundleLambda } from "../../modules/blocks/lambda-bundle";
import { variant } from "../support/cloudtrail";
import { FakeGitHub } from "../support/fake-github";
import { FakeS3, FakeSsm } from "../support/fake-recorder-aws";

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function coldInit(file: string, label = "cold module initialisation"): void {
  // Wall time and CPU time of require(): CPU time stays meaningful on a machine busy with other work.
  const probe = `const c = process.cpuUsage(); const t = performance.now(); require(${JSON.stringify(file)}); const d = process.cpuUsage(c); process.stdout.write(JSON.stringify([performance.now() - t, (d.user + d.system) / 1000]));`;
  const runs = Array.from({ length: RUNS }, () => {
    const r = spawnSync(process.execPath, ["-e", probe], { env: { PATH: process.env.PATH, NODE_NO_WARNINGS: "1", AWS_REGION: "us-east-1" }, encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as [number, number];
  });
  const wall = runs.map((r) => r[0]);
  const cpu = runs.map((r) => r[1]);
  console.log(
    `  ${label}, ${RUNS} fresh node processes: median ${median(wall).toFixed(0)} ms   min ${Math.min(...wall).toFixed(0)} ms   CPU median ${median(cpu).toFixed(0)} ms   (goal 150 ms)`,
  );
}

async function burst(file: string): Promise<void> {
  const s3 = await new FakeS3().start();
  const ssm = await new FakeSsm().start();
  const github = await new FakeGitHub("example-org", "edge-delivery", "token").start();
  ssm.parameters.set("/edge/github-token", { type: "SecureString", value: "token" });
  Object.assign(process.env, {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ENDPOINT_URL_SSM: ssm.url,
    RECORDER_CONFIG: JSON.stringify({
      bucket: "bench-records",
      repository: "example-org/edge-delivery",
      githubApiUrl: github.url,
      tokenParameter: "/edge/github-token",
      automationPrincipals: ["arn:aws:iam::123456789012:role/edge-delivery-deploy"],
      watch: { distributionIds: ["E1DEVSHOPWEB01", "E1DEVMEDIALP01"] },
    }),
  });
  for (const level of ["log", "info", "warn", "error"] as const) console[level] = () => {};
  const { handler } = require(file) as { handler: (e: unknown) => Promise<unknown> };
  // 20 console edits of 2 distributions by one person, 10 deploy-role applies, every 5th event delivered twice.
  const events: unknown[] = [];
  for (let i = 0; i < 30; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
    const distribution = i % 2 === 0 ? "E1DEVSHOPWEB01" : "E1DEVMEDIALP01";
    const source = i < 20 ? "console-sso-update-distribution" : "deploy-role-update-distribution";
    const e = variant(source, id, { requestParameters: { id: distribution, distributionConfig: { comment: `edit ${i}` } } });
    events.push(e);
    if (i % 5 === 4) events.push(e);
  }
  const times: number[] = [];
  for (const e of events) {
    const t = performance.now();
    await handler(e);
    times.push(performance.now() - t);
  }
  const comments = github.issues.reduce((n, i) => n + i.comments.length, 0);
  const puts = s3.requests.filter((r) => r.status === 200).length;
  process.stdout.write(
    `  burst: ${events.length} deliveries (30 events, 6 redelivered; 20 console edits of 2 distributions, 10 deploy-role applies), one execution environment, local fakes\n` +
      `    records ${puts} (412 on redelivery: ${s3.requests.filter((r) => r.status === 412).length})   issues ${github.issues.length}   comments ${comments}   GitHub calls ${github.requests.length}   token reads ${ssm.requests.length}   per delivery median ${median(times).toFixed(0)} ms\n`,
  );
  await Promise.all([s3.stop(), ssm.stop(), github.stop()]);
}

async function main(): Promise<void> {
  const b = bundleLambda("change-recorder", { force: true });
  process.stdout.write(
    `change recorder: bundle dist/change-recorder/index.js ${(b.bytes / 1024).toFixed(0)} KiB (zip ${(statSync(b.zip).size / 1024).toFixed(0)} KiB; goal well under 1024 KiB)\n`,
  );
  coldInit(b.file);
  // The same probe on the invalidator's bundle (one SDK client), as a reference on a machine that may be busy.
  coldInit(bundleLambda("invalidator").file, "reference: the invalidator's bundle");
  await burst(b.file);
}

void main();
