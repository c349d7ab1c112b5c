/**
 * One pull-request comment per stack, updated in place: each file in `dir` is one stack's review (npm run review
 * --out-dir), starting with its hidden marker `<!-- edge-review:<env> -->`. The comment that starts with the same
 * marker is updated (only when its text changed); otherwise one is created, except for a stack without changes,
 * which gets no new comment (an existing one is updated, so it never shows a stale plan).
 *
 * Called from actions/github-script:
 *   await require('./.github/scripts/upsert-review-comments.cjs')({ github, context, core, dir: 'review' })
 */
const fs = require("node:fs");
const path = require("node:path");

const MARKER = /^<!-- edge-review:([a-z][a-z0-9]*) -->$/;

module.exports = async function upsertReviewComments({ github, context, core, dir }) {
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .sort();
  const done = [];
  for (const file of files) {
    const body = fs.readFileSync(path.join(dir, file), "utf8");
    const marker = body.split("\n", 1)[0];
    const m = MARKER.exec(marker);
    if (!m) throw new Error(`${file}: does not start with an edge-review marker (got ${JSON.stringify(marker.slice(0, 60))})`);
    const existing = comments.find((c) => typeof c.body === "string" && c.body.startsWith(`${marker}\n`) && c.user?.type === "Bot");
    const unchanged = new RegExp(`^\\*\\*${m[1]}\\*\\*: no changes`, "m").test(body);
    if (existing) {
      if (existing.body.trimEnd() === body.trimEnd()) done.push(`${m[1]}: unchanged`);
      else {
        await github.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
        done.push(`${m[1]}: updated`);
      }
    } else if (!unchanged) {
      await github.rest.issues.createComment({ owner, repo, issue_number, body });
      done.push(`${m[1]}: created`);
    } else done.push(`${m[1]}: no changes, no comment`);
  }
  core.info(done.join("\n") || "no stacks reviewed");
  return done;
};
