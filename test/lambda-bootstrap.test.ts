/** The bootstrap image (functions/lambda-bootstrap/): what its script publishes is what the stacks reference. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { BOOTSTRAP_REPOSITORY, BOOTSTRAP_VERSION, LambdaArchitecture, bootstrapImageTag, bootstrapImageUri } from "../model/container-function";

const dir = path.join(__dirname, "..", "functions", "lambda-bootstrap");
const script = readFileSync(path.join(dir, "publish.sh"), "utf8");

test("publish.sh pushes the repository and tags the stacks reference, for both architectures", () => {
  expect(script).toContain(`REPOSITORY=${BOOTSTRAP_REPOSITORY}\n`);
  expect(script).toContain(`VERSION=${BOOTSTRAP_VERSION}\n`);
  expect(script).toMatch(/for ARCH in arm64 x86_64; do/);
  expect(script).toContain('TAG="$ARCH-$VERSION"');
  expect(Object.values(LambdaArchitecture).map(bootstrapImageTag)).toEqual(["arm64-v1", "x86_64-v1"].map((t) => t.replace("v1", BOOTSTRAP_VERSION)));
  expect(bootstrapImageUri("123456789012", "ap-northeast-1", LambdaArchitecture.ARM64)).toBe(
    `123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/${BOOTSTRAP_REPOSITORY}:arm64-${BOOTSTRAP_VERSION}`,
  );
  expect(script).toMatch(/--image-tag-mutability IMMUTABLE/);
  expect(script).toMatch(/--provenance=false/);
});

test("the bootstrap handler answers 503 and says what is missing", () => {
  // Run as the ES module Lambda loads, in its own Node process (jest's module system does not load .mjs).
  const code = `import { handler } from ${JSON.stringify(pathToFileURL(path.join(dir, "index.mjs")).href)}; console.log(JSON.stringify(await handler()));`;
  const out = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
    encoding: "utf8",
    env: { ...process.env, AWS_LAMBDA_FUNCTION_NAME: "dev-media-thumbnailer" },
  });
  expect(out.stderr).toBe("");
  const r = JSON.parse(out.stdout);
  expect(r.statusCode).toBe(503);
  expect(r.headers["cache-control"]).toBe("no-store");
  expect(JSON.parse(r.body).message).toContain("dev-media-thumbnailer has no application image yet");
});
