// Preloaded by the benchmark: records the process's peak resident memory (KiB) and CPU time (ms, user + system)
// when it exits. CPU time is what the ratios use: on a shared machine wall time also measures the neighbours.
const { writeFileSync } = require("node:fs");
process.on("exit", () => {
  if (!process.env.BENCH_RSS_FILE) return;
  const u = process.resourceUsage();
  writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify({ maxRssKiB: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
});
