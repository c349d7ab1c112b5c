/** `backend` of an environment: where Terraform keeps the stack's state, and its defaults. */
import { z } from "zod";
import type { BackendConfig } from "../model/resolved";
import { AWS_REGIONS } from "../model/vocabulary";
import { bucketName } from "./fields";

export const backend = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("s3"),
      bucket: bucketName,
      key: z
        .string()
        .min(1)
        .regex(/^[^/].*\.tfstate$/, "must be a relative object key ending in .tfstate"),
      region: z.enum(AWS_REGIONS),
      encrypt: z.literal(true, { message: "state holds secrets in plain text: encrypt must be true" }).default(true),
      kmsKeyId: z
        .string()
        .regex(/^arn:aws:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/, "must be a KMS key or alias ARN")
        .optional(),
      /** S3-native locking (Terraform >= 1.10). */
      useLockfile: z.boolean().default(true),
      /** Optional legacy DynamoDB lock table, for teams still on Terraform < 1.10. */
      dynamodbTable: z
        .string()
        .regex(/^[a-zA-Z0-9_.-]{3,255}$/, "must be a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -)")
        .optional(),
    })
    .strict(),
  z.object({ type: z.literal("local"), path: z.string().min(1).optional() }).strict(),
]);

/** The local backend's state file defaults to terraform.<env>.tfstate. */
export function resolveBackend(env: { name: string; backend: z.output<typeof backend> }): BackendConfig {
  const b = env.backend;
  return b.type === "local" ? { type: "local", path: b.path ?? `terraform.${env.name}.tfstate` } : b;
}
