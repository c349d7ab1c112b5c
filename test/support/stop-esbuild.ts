/**
 * Runs after every test file (jest setupFilesAfterEnv). Jest gives each test file its own module registry, so each
 * file that builds code (environments/cf2/code.ts, modules/blocks/lambda-bundle.ts) loads its own copy of esbuild, whose synchronous API starts a
 * worker thread and an esbuild process of its own. Both are unref'd and were never stopped: a jest worker collected
 * one per file and then took longer than jest's grace period to tear them all down at exit ("A worker process has
 * failed to exit gracefully"). Stopping this file's copy ends them when the file is done.
 */
afterAll(async () => {
  const esbuild = await import("esbuild");
  await esbuild.stop();
});
