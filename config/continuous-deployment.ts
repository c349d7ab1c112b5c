/**
 * `sites[].continuousDeployment`: release a site through a staging distribution
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/continuous-deployment.html): a continuous
 * deployment policy that routes testers (by header) or a small share of viewers (by weight) to it, Configure/Promote
 * state machines and, optionally, a release pipeline. Limits are CloudFront's: header names start with aws-cf-cd-,
 * weight 0-0.15, session stickiness 300-3600 s, one staging distribution per policy, no HTTP/3 (sites use HTTP/2),
 * 20 policies per account.
 */
import { z } from "zod";
import { CD_HEADER_PREFIX, LIMITS } from "../model/limits";
import { releaseParameterNames } from "../model/names";
import { DEFAULT_TEST_ROUTE } from "../model/release";
import type { PipelineConfig, ResolvedSite, TrafficConfig } from "../model/resolved";
import { bucketName } from "./fields";
import type { Issue } from "./rules";

const stickinessTtl = z
  .number()
  .int("must be a whole number of seconds")
  .min(300, "must be 300-3600 seconds (CloudFront's session stickiness range)")
  .max(3600, "must be 300-3600 seconds (CloudFront's session stickiness range)");
/** Request header name of a header route; CloudFront only routes headers named aws-cf-cd-*. */
const cdHeader = z.string().superRefine((h, ctx) => {
  if (!h.startsWith(CD_HEADER_PREFIX))
    ctx.addIssue({
      code: "custom",
      message: `must start with "${CD_HEADER_PREFIX}" (CloudFront routes only such headers to staging), e.g. "${CD_HEADER_PREFIX}release"`,
    });
  else if (!/^aws-cf-cd-[a-z0-9][a-z0-9-]{0,80}$/.test(h))
    ctx.addIssue({ code: "custom", message: `after "${CD_HEADER_PREFIX}" allows 1-81 lowercase letters, digits or hyphens` });
});
const cdHeaderValue = z.string().regex(/^[A-Za-z0-9_.~-]{1,128}$/, "must be 1-128 of A-Z a-z 0-9 _ . ~ -");

export const continuousDeployment = z
  .object({
    /** How viewers reach staging: a header testers send, or a share of all viewers. */
    traffic: z.discriminatedUnion("type", [
      z
        .object({
          type: z.literal("header"),
          /** Request header name; CloudFront only routes headers named aws-cf-cd-*. */
          header: cdHeader,
          /** Header value that selects staging. Not a secret: whoever learns it reaches staging (docs/security.md). */
          value: cdHeaderValue,
        })
        .strict(),
      z
        .object({
          type: z.literal("weight"),
          /** Share of viewers sent to staging. */
          weight: z
            .number()
            .min(0, "must be 0-0.15 (CloudFront sends at most 15% to staging)")
            .max(0.15, "must be 0-0.15 (CloudFront sends at most 15% to staging)"),
          /** Keep a viewer on the distribution it first reached. */
          sessionStickiness: z.object({ idleTtlSeconds: stickinessTtl, maximumTtlSeconds: stickinessTtl }).strict().optional(),
          /** Header route testers use before approval; the weight starts only after the first approval. Not a secret (docs/security.md). */
          testRoute: z
            .object({ header: cdHeader, value: cdHeaderValue })
            .strict()
            .default({ ...DEFAULT_TEST_ROUTE }),
        })
        .strict()
        .superRefine((w, ctx) => {
          const s = w.sessionStickiness;
          if (s && s.idleTtlSeconds > s.maximumTtlSeconds)
            ctx.addIssue({
              code: "custom",
              path: ["sessionStickiness", "idleTtlSeconds"],
              message: `must not exceed maximumTtlSeconds (${s.maximumTtlSeconds}): a session cannot idle longer than it lasts`,
            });
        }),
    ]),
    /** Release pipeline (Source, Build, Deploy, Configure, Approve, Promote); without it, release with npm run promote. */
    pipeline: z
      .object({
        source: z.discriminatedUnion("type", [
          z
            .object({
              type: z.literal("codestar"),
              /** CodeStar (CodeConnections) connection, created and authorized outside this project. */
              connectionArn: z
                .string()
                .regex(
                  /^arn:aws:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/,
                  "must be a CodeStar connection ARN (arn:aws:codestar-connections:<region>:<account>:connection/<uuid>, or codeconnections)",
                ),
              /** owner/name of the site's repository. */
              repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be "owner/name"'),
              branch: z.string().min(1).max(255),
            })
            .strict(),
          z
            .object({
              type: z.literal("s3"),
              /** Versioned bucket holding the source zip; the object version becomes the release version. */
              bucket: bucketName,
              key: z
                .string()
                .min(1)
                .max(1024)
                .regex(/\.zip$/, "must be the key of a .zip object"),
            })
            .strict(),
        ]),
        /** Path of the build's buildspec in the repository; its artifact is the site's files. */
        buildspec: z
          .string()
          .regex(/^[A-Za-z0-9_./-]+\.ya?ml$/, "must be a relative path to a .yml or .yaml file")
          .default("buildspec.yml"),
        /** CodeBuild image for Build and Deploy. */
        buildImage: z.string().min(1).default("aws/codebuild/amazonlinux-x86_64-standard:5.0"),
        /** SNS topic notified when a release waits for approval. */
        approvalTopicArn: z
          .string()
          .regex(/^arn:aws:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be an SNS topic ARN")
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

type ContinuousDeploymentConfig = z.output<typeof continuousDeployment>;

/** CloudFront allows 20 continuous deployment policies (and 20 staging distributions) per account. */
const MAX_CONTINUOUS_DEPLOYMENTS = LIMITS.continuousDeploymentsPerAccount;

/** Environment-wide rule: at most MAX_CONTINUOUS_DEPLOYMENTS sites use continuous deployment. */
export function continuousDeploymentProblems(env: { sites: { continuousDeployment?: unknown }[] }): Issue[] {
  const withCd = env.sites.flatMap((s, i) => (s.continuousDeployment ? [i] : []));
  if (withCd.length <= MAX_CONTINUOUS_DEPLOYMENTS) return [];
  return [
    {
      code: "custom",
      path: ["sites", withCd[MAX_CONTINUOUS_DEPLOYMENTS], "continuousDeployment"],
      message: `at most ${MAX_CONTINUOUS_DEPLOYMENTS} sites per account may use continuous deployment (CloudFront's staging distribution and policy quota); ${withCd.length} do`,
    },
  ];
}

/** The site's release flow, names computed. */
export function resolveContinuousDeployment(
  env: { name: string; logRetentionDays: number },
  site: { name: string; sid: string; continuousDeployment?: ContinuousDeploymentConfig },
): ResolvedSite["continuousDeployment"] {
  const cd = site.continuousDeployment;
  if (!cd) return undefined;
  // Compile-time check that the schema's output fits the slices modules take.
  const traffic: TrafficConfig = cd.traffic;
  const pipeline: PipelineConfig | undefined = cd.pipeline;
  return { traffic, pipeline, parameterNames: releaseParameterNames(env.name, site.sid, site.name), logRetentionDays: env.logRetentionDays };
}
