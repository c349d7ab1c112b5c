/** Names the environment variable that carries the test run's own temporary folder (set by global-setup.ts). */
export const RUN_TMPDIR_VAR = "EDGE_TEST_RUN_TMPDIR";
