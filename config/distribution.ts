/** `sites[].distribution`: the site's CloudFront distribution, its cache behaviors and their rules. */
import { z } from "zod";
import { LIMITS, pathPatternProblem } from "../model/limits";
import { MANAGED_CACHE_POLICY_NAMES, PRICE_CLASSES } from "../model/vocabulary";
import { bucketName } from "./fields";
import { whenParsed } from "./rules";

const behavior = z
  .object({
    /** CloudFront path pattern, e.g. "/api/*". */
    pathPattern: z.string().superRefine((p, ctx) => {
      const problem = pathPatternProblem(p);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    cachePolicy: z.enum(MANAGED_CACHE_POLICY_NAMES).default("CachingOptimized"),
    compress: z.boolean().default(true),
  })
  .strict();

export const distribution = z
  .object({
    /** The distribution id once it exists; tickets may name it by ARN. Required with adopt. */
    id: z
      .string()
      .regex(/^E[A-Z0-9]{7,15}$/, "must be a CloudFront distribution id like E2QWRUHAPOMQZL")
      .optional(),
    /** Import an existing distribution (created outside this project) instead of creating one. */
    adopt: z.boolean().default(false),
    comment: z.string().max(LIMITS.distributionCommentLength, `CloudFront allows at most ${LIMITS.distributionCommentLength} characters`).optional(),
    aliases: z.array(z.string().regex(/^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$/, "must be a lowercase DNS name")).default([]),
    /** ACM certificate in us-east-1; required when aliases are set. */
    certificateArn: z
      .string()
      .regex(
        /^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/,
        "must be an ACM certificate ARN in us-east-1 (CloudFront reads certificates only there)",
      )
      .optional(),
    priceClass: z.enum(PRICE_CLASSES).default("PriceClass_200"),
    /** Object served for "/"; an object key without a leading "/" (CloudFront's DefaultRootObject). */
    defaultRootObject: z
      .string()
      .min(1)
      .max(255)
      .refine((o) => !o.startsWith("/"), 'is an object key: no leading "/" (write "index.html", not "/index.html")')
      .default("index.html"),
    defaultBehavior: behavior.omit({ pathPattern: true }).default({ cachePolicy: "CachingOptimized", compress: true }),
    /** Ordered cache behaviors, evaluated in this order. */
    behaviors: z.array(behavior).default([]),
    /** Standard access logs to an existing log bucket (must allow ACLs for CloudFront). */
    logging: z
      .object({ bucket: bucketName, prefix: z.string().max(256).default("") })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine(
    (d, ctx) => {
      if (d.aliases.length > 0 && !d.certificateArn)
        ctx.addIssue({ code: "custom", path: ["certificateArn"], message: "is required when aliases are set (CloudFront needs a certificate for them)" });
    },
    whenParsed(["aliases"], ["certificateArn"]),
  )
  .superRefine(
    (d, ctx) => {
      if (d.adopt && !d.id) ctx.addIssue({ code: "custom", path: ["id"], message: "is required when adopt is true (the id to import)" });
    },
    whenParsed(["adopt"], ["id"]),
  )
  .superRefine(
    (d, ctx) => {
      const seen = new Set<string>();
      d.behaviors.forEach((b, i) => {
        if (seen.has(b.pathPattern))
          ctx.addIssue({ code: "custom", path: ["behaviors", i, "pathPattern"], message: `duplicate path pattern "${b.pathPattern}"` });
        seen.add(b.pathPattern);
      });
    },
    whenParsed(["behaviors", "*", "pathPattern"]),
  );
