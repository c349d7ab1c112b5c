/** $TF_PROVIDER_MIRROR names the mirror to use: a wrong one is an error, never a silent fallback to another location. */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findProviderMirror, offlineUnavailableReason, providerMirrorError } from "../scripts/lib/terraform";

const withMirror = <T>(value: string | undefined, fn: () => T): T => {
  const before = process.env.TF_PROVIDER_MIRROR;
  if (value === undefined) delete process.env.TF_PROVIDER_MIRROR;
  else process.env.TF_PROVIDER_MIRROR = value;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.TF_PROVIDER_MIRROR;
    else process.env.TF_PROVIDER_MIRROR = before;
  }
};

test("a directory that does not exist: an error naming it, and no other mirror is used", () => {
  withMirror("/nonexistent/tf-mirror", () => {
    expect(providerMirrorError()).toBe("TF_PROVIDER_MIRROR=/nonexistent/tf-mirror: no such directory (unset it to use the usual plugin locations)");
    expect(findProviderMirror()).toBeUndefined();
    expect(offlineUnavailableReason()).toBe(providerMirrorError());
  });
});

test("a directory without the provider: an error naming the path it expected", () => {
  const empty = mkdtempSync(path.join(os.tmpdir(), "tf-mirror-"));
  withMirror(empty, () =>
    expect(providerMirrorError()).toMatch(
      new RegExp(
        `^TF_PROVIDER_MIRROR=${empty}: holds no registry\\.terraform\\.io/hashicorp/aws 5\\.100\\.0 for \\w+_\\w+ \\(expected ${empty}/registry\\.terraform\\.io/hashicorp/aws/5\\.100\\.0/\\w+_\\w+\\)$`,
      ),
    ),
  );
});

test("unset: no error (the usual plugin locations are searched)", () => {
  withMirror(undefined, () => expect(providerMirrorError()).toBeUndefined());
});

test("npm run validate with a wrong TF_PROVIDER_MIRROR exits 1 with the message before it synthesizes anything (it does not skip)", () => {
  const r = spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(__dirname, "..", "scripts", "validate.ts")], {
    encoding: "utf8",
    env: { ...process.env, TF_PROVIDER_MIRROR: "/nonexistent/tf-mirror" },
  });
  expect(r.stdout).toContain("error: TF_PROVIDER_MIRROR=/nonexistent/tf-mirror: no such directory");
  expect(r.stdout).not.toContain("SKIPPED");
  expect(r.stdout.trim()).toBe("error: TF_PROVIDER_MIRROR=/nonexistent/tf-mirror: no such directory (unset it to use the usual plugin locations)");
  expect(r.status).toBe(1);
});
