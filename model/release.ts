/**
 * Vocabulary and limits of a site's release path: the continuous deployment flow (staging, test route, canary,
 * promotion, rollback) and the invalidation quotas both the invalidator and the release flow live within.
 * Pure data: imports nothing from environments/ or modules/.
 */
import { CD_HEADER_PREFIX, LIMITS } from "./limits";

/** The state machines of a release, by definition file (functions/state-machines/<step>.asl.json). */
export const RELEASE_STEPS = ["configure", "canary", "promote", "rollback"] as const;
export type ReleaseStep = (typeof RELEASE_STEPS)[number];

/**
 * The header route testers use before approval, for weight sites that do not name their own (`traffic.testRoute`).
 * Header sites use their configured header as the test route.
 */
export const DEFAULT_TEST_ROUTE = { header: `${CD_HEADER_PREFIX}release`, value: "candidate" } as const;

/**
 * CloudFront's in-progress invalidation quotas per distribution (Developer Guide, "Quotas on invalidations":
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-invalidations).
 * A path containing `*` is a wildcard path and counts against both.
 */
export const INVALIDATION_QUOTAS = { pathsInProgress: LIMITS.invalidationPaths.max, wildcardPathsInProgress: 15 } as const;

/**
 * Largest `maxPaths` a site may configure: three batches of this size fit in the 3,000-path quota together, so one
 * batch (the event source mapping runs two at a time) can never exhaust it.
 */
export const MAX_PATHS_PER_BATCH = 1000;
