#!/usr/bin/env node
/**
 * Adds lock entries for optional platform packages (e.g. @swc/core-darwin-arm64) that the registry mirror of the
 * machine that wrote package-lock.json did not serve. Without them `npm ci` stops with "Missing: ... from lock file"
 * on every machine. Each entry carries the os/cpu/libc npm needs to skip it on other platforms; on the matching
 * platform npm fetches it by name and version. Run after `npm install` changes the lock.
 */
import { readFileSync, writeFileSync } from "node:fs";

const OS = ["darwin", "linux", "win32", "freebsd", "android", "openharmony", "netbsd", "openbsd", "sunos", "aix"];
const CPU = { arm64: "arm64", x64: "x64", arm: "arm", ia32: "ia32", ppc64: "ppc64", s390x: "s390x", riscv64: "riscv64", loong64: "loong64", wasm32: "wasm32" };

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const packages = lock.packages;
let added = 0;
for (const [key, pkg] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const base = key ? `${key}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[`node_modules/${name}`] || packages[base]) continue;
    const parts = name.split("/").pop().split("-");
    const os = parts.find((p) => OS.includes(p));
    const cpu = parts.map((p) => CPU[p]).find(Boolean);
    if (!os || !cpu) continue; // not a platform package: leave it to npm
    const libc = parts.includes("musl") ? ["musl"] : parts.includes("gnu") || parts.some((p) => p.startsWith("gnueabi")) ? ["glibc"] : undefined;
    packages[`node_modules/${name}`] = {
      version: version.replace(/^[\^~=]/, ""),
      ...(pkg.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      cpu: [cpu],
      ...(os === "linux" && libc ? { libc } : {}),
    };
    added++;
  }
}
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lock: added ${added} platform entries`);
