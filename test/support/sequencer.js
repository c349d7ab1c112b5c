/**
 * Jest's order, with one addition for files it has no timing for (a fresh clone, or `--no-cache` on a new machine):
 * files that run Terraform go first. Jest runs files it knows to be slow first so that its workers finish together,
 * but without timings it falls back to file size, and the Terraform suites (most of a run's time, each plan costs
 * seconds) are not the largest files: started last, one of them kept a worker busy long after the other was idle.
 */
const { readFileSync } = require("node:fs");
const TestSequencer = require("@jest/test-sequencer").default;

/** What a file that plans with Terraform imports or calls. */
const RUNS_TERRAFORM = /describeWithTerraform|scripts\/lib\/(terraform|crafted-state)|review\/offline/;

class TerraformFirstSequencer extends TestSequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const untimed = (t) => t.duration == null && !this.hasFailed(t);
    const runsTerraform = (t) => RUNS_TERRAFORM.test(readFileSync(t.path, "utf8"));
    const rest = sorted.filter(untimed);
    const reordered = [...rest.filter(runsTerraform), ...rest.filter((t) => !runsTerraform(t))];
    let i = 0;
    return sorted.map((t) => (untimed(t) ? reordered[i++] : t));
  }
}

module.exports = TerraformFirstSequencer;
