/**
 * `npm run review`: the Terraform change of a pull request as a reviewer wants to read it, one Markdown section per
 * stack (scripts/lib/review/).
 *
 *   npm run review -- --base <git-ref> [--env <name>...] [--out <file>] [--out-dir <dir>]
 *       offline: the working tree's stacks planned against the state an apply of <git-ref> would leave (no AWS)
 *   npm run review -- --plan <env>=<plan.json>... [--stacks-dir <dir>] [--out <file>] [--out-dir <dir>]
 *       real plans (`terraform show -json`), as CI with credentials makes them
 *
 * Progress goes to stderr; the Markdown to --out, to --out-dir/<env>.md (one per stack, for PR comments) or stdout.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PlanSource, renderReview, type StackPlan } from "./lib/review/markdown";
import { baseStacks, offlineReview, ReviewError, synthesizeTree } from "./lib/review/offline";
import { isHelp } from "./lib/cli";
import { isValidatePlan, readPlanFile } from "./lib/review/plan-file";
import { offlineUnavailableReason, PROJECT_ROOT } from "./lib/terraform";

const USAGE = `usage:
  npm run review -- --base <git-ref> [--env <name>...] [--out <file>] [--out-dir <dir>] [--no-cache]
  npm run review -- --plan <env>=<plan.json>... [--stacks-dir <dir>] [--out <file>] [--out-dir <dir>]`;

export interface ReviewArgs {
  base?: string;
  envs: string[];
  plans: { env: string; file: string }[];
  out?: string;
  outDir?: string;
  stacksDir?: string;
  cache: boolean;
}

/** Parses the command line; every problem is listed at once. */
export function parseArgs(argv: string[]): { args: ReviewArgs; problems: string[] } {
  const args: ReviewArgs = { envs: [], plans: [], cache: true };
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith("--")) {
        problems.push(`${flag} needs a value`);
        return undefined;
      }
      i++;
      return v;
    };
    switch (flag) {
      case "--base":
        args.base = value();
        break;
      case "--env": {
        const v = value();
        if (v && !/^[a-z][a-z0-9]{1,9}$/.test(v)) problems.push(`--env ${v}: not an environment name (2-10 lowercase letters or digits)`);
        else if (v) args.envs.push(v);
        break;
      }
      case "--plan": {
        const v = value();
        const m = v ? /^([a-z][a-z0-9]{1,9})=(.+)$/.exec(v) : null;
        if (v && !m) problems.push(`--plan ${v}: expected <env>=<plan.json> (the output of terraform show -json)`);
        else if (m) args.plans.push({ env: m[1], file: m[2] });
        break;
      }
      case "--out":
        args.out = value();
        break;
      case "--out-dir":
        args.outDir = value();
        break;
      case "--stacks-dir":
        args.stacksDir = value();
        break;
      case "--no-cache":
        args.cache = false;
        break;
      default:
        problems.push(`unknown argument ${flag}`);
    }
  }
  if (!args.base && !args.plans.length) problems.push("give --base <git-ref> (offline review) or --plan <env>=<plan.json> (real plans)");
  if (args.base && args.plans.length) problems.push("--base and --plan exclude each other: review offline against a ref, or render real plans");
  if (args.plans.length && args.envs.length) problems.push("--env selects stacks for --base; with --plan, the plans given are the stacks");
  return { args, problems };
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const log = (line: string) => process.stderr.write(`${line}\n`);

/** `what` names the file for the message (`--plan dev=plan.json`). */
function readJson(file: string, what: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ReviewError(`${what}: not JSON (${(err as Error).message.split("\n")[0]})`);
  }
}

async function offline(args: ReviewArgs): Promise<StackPlan[]> {
  const why = offlineUnavailableReason();
  if (why) throw new ReviewError(`the offline review needs Terraform and the provider mirror: ${why}`);
  let t = Date.now();
  // Base and head synthesize side by side (two processes); the plans need both.
  const [base, head] = await Promise.all([
    baseStacks(args.base!, { cache: args.cache }).then((b) => {
      log(
        `base ${args.base} (${b.commit.slice(0, 12)}): ${Object.keys(b.stacks).length} stacks, ${b.cached ? "cached" : "synthesized in a temporary worktree"} in ${seconds(t)}`,
      );
      return b;
    }),
    synthesizeTree(PROJECT_ROOT).then((h) => {
      log(`head (working tree): ${Object.keys(h).length} stacks synthesized in ${seconds(t)}`);
      return h;
    }),
  ]);
  t = Date.now();
  const plans = offlineReview({ base: base.stacks, head, envs: args.envs.length ? args.envs : undefined, baseRef: args.base });
  log(`planned ${plans.map((p) => p.env).join(", ")} against the base's applied state in ${seconds(t)}`);
  return plans;
}

function real(args: ReviewArgs): StackPlan[] {
  const stacksDir = args.stacksDir ?? path.join(PROJECT_ROOT, "cdktf.out", "stacks");
  return args.plans.map(({ env, file }) => {
    const plan = readPlanFile(file, `--plan ${env}=${file}`);
    const synthesized = path.join(stacksDir, env, "cdk.tf.json");
    return {
      env,
      plan,
      source: isValidatePlan(plan) ? PlanSource.VALIDATE : PlanSource.AWS,
      headStack: existsSync(synthesized) ? readJson(synthesized, `synthesized stack ${synthesized}`) : undefined,
    };
  });
}

export async function main(argv: string[]): Promise<number> {
  if (isHelp(argv)) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { args, problems } = parseArgs(argv);
  if (problems.length) {
    log(`review: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}\n${USAGE}`);
    return 2;
  }
  try {
    const review = renderReview(args.base ? await offline(args) : real(args));
    if (args.outDir) {
      mkdirSync(args.outDir, { recursive: true });
      for (const s of review.stacks) writeFileSync(path.join(args.outDir, `${s.env}.md`), `${s.markdown}\n`);
      log(`wrote ${review.stacks.length} stack comment${review.stacks.length === 1 ? "" : "s"} to ${args.outDir}/`);
    }
    if (args.out) {
      writeFileSync(args.out, review.markdown);
      log(`wrote ${args.out}`);
    }
    if (!args.out && !args.outDir) process.stdout.write(review.markdown);
    // The failed stacks' sections say why; the others are posted as usual, so CI still comments them.
    for (const s of review.stacks.filter((r) => r.failed)) log(`${s.env}: not reviewed, its plan failed (the section says why)`);
    return 0;
  } catch (err) {
    // Terraform's own diagnostics and git's messages are the useful part; a stack trace is not.
    log(`npm run review failed: ${(err as Error).message}`);
    return 1;
  }
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
