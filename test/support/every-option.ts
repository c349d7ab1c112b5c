/**
 * A generated environment that turns every option of the environment file on (deploy roles, safeguards, alarms with
 * a topic, the change recorder, invalidation with replication, continuous deployment with a release pipeline,
 * logging, extra behaviors), with a CloudFront Function per owner (one reading a key value store) and a container
 * function of each owner (one serving a behavior): together with the example environments it synthesizes every
 * resource type the project can produce. Built here, not read from environments/, so adding environments changes
 * nothing.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { validateEnvironments } from "../../config/load";
import { readManifestSources, validateFunctions } from "../../config/functions/cf2/load";
import { readContainerFunctionManifestSources, validateContainerFunctions } from "../../config/functions/lambda/load";
import { synthesize, type StackJson } from "./synth";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EnvironmentInput = Record<string, any>;

export const EVERY_OPTION_ENV = "every";
const ACCOUNT = "210987654321";

/** The environment file's input with every option on. */
export function everyOptionInput(): EnvironmentInput {
  const certificate = (id: string) => `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/${id}`;
  return {
    name: EVERY_OPTION_ENV,
    accountId: ACCOUNT,
    region: "eu-west-1",
    repository: "example-org/edge-delivery",
    logRetentionDays: 30,
    backend: {
      type: "s3",
      bucket: "example-org-tfstate-every",
      key: "edge/every.tfstate",
      region: "eu-west-1",
      kmsKeyId: `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/tfstate`,
      dynamodbTable: "example-org-tfstate-lock",
    },
    tags: { "cost-center": "platform-every" },
    products: [
      {
        sid: "shop",
        description: "Shop",
        access: {
          maintenance: { permissionSets: ["ShopOperator"], maxSessionHours: 2 },
          cicd: {
            repository: "example-org/shop-edge-functions",
            repositoryId: "712345601",
            ownerId: "81234567",
            environment: "production",
            maxSessionHours: 2,
          },
        },
      },
      { sid: "media", description: "Media", access: { maintenance: { permissionSets: ["MediaOperator"] } } },
    ],
    githubOidc: {},
    deployRoles: { repositoryId: "812345678", ownerId: "91234567" },
    security: { requireCertificate: true, requireLogging: true, protectFromDeletion: true, liveChangesOnlyThroughCicd: true },
    alarms: { emails: ["edge-oncall@example.com"] },
    messageEncryption: {
      keyArns: [
        `arn:aws:kms:eu-west-1:${ACCOUNT}:key/5e5e5e5e-5e5e-4e5e-8e5e-5e5e5e5e5e5e`,
        `arn:aws:kms:us-east-1:${ACCOUNT}:key/6f6f6f6f-6f6f-4f6f-8f6f-6f6f6f6f6f6f`,
      ],
    },
    changeRecorder: {
      repository: "example-org/edge-delivery",
      tokenParameter: "/edge/change-recorder/github-token",
      automationPrincipals: [`arn:aws:iam::${ACCOUNT}:role/edge-delivery-deploy`],
      watch: { route53HostedZoneIds: ["Z0EVERYOPTION1"], apiGatewayIds: ["every0api1"] },
    },
    sites: [
      {
        name: "web",
        sid: "shop",
        waf: { rateLimit: 500, blockedRequestsAlarmThreshold: 250 },
        distribution: {
          id: "E3EVERYSHOPWEB",
          comment: "every option: storefront",
          aliases: ["www.example.org"],
          certificateArn: certificate("0d3f8a1e-5b7c-4e2a-9c61-2f4b8e7a9d10"),
          priceClass: "PriceClass_All",
          defaultRootObject: "index.html",
          logging: { bucket: "example-org-every-cloudfront-logs", prefix: "shop-web/" },
          behaviors: [{ pathPattern: "/api/*", cachePolicy: "CachingDisabled", compress: false }, { pathPattern: "/assets/*" }],
        },
        invalidation: {
          events: ["created", "removed"],
          prefix: "vendor/assets/",
          alsoInvalidate: ["docs"],
          replicationSourceRoleArn: "arn:aws:iam::456789012345:role/vendor-artifacts-replication",
          replicationPrefix: "vendor/",
        },
        continuousDeployment: {
          traffic: { type: "weight", weight: 0.05, sessionStickiness: { idleTtlSeconds: 600, maximumTtlSeconds: 3600 } },
          pipeline: { source: { type: "s3", bucket: "example-org-every-shop-web-releases", key: "shop-web/site.zip" }, buildspec: "buildspec.release.yml" },
        },
      },
      {
        name: "docs",
        sid: "shop",
        distribution: {
          aliases: ["docs.example.org"],
          certificateArn: certificate("1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9"),
          logging: { bucket: "example-org-every-cloudfront-logs" },
        },
        invalidation: {
          events: ["created"],
          prefix: "guides/",
          suffix: ".html",
          paths: "changed",
          maxPaths: 20,
          batchingWindowSeconds: 60,
          maxReceiveCount: 3,
        },
      },
      {
        name: "lp",
        sid: "media",
        bucketName: "example-org-every-media-lp",
        distribution: {
          comment: "every option: landing pages",
          aliases: ["campaign.example.org"],
          certificateArn: certificate("5a7c9e1b-3d2f-4b6a-8c0e-9f1d2b3c4a5e"),
          logging: { bucket: "example-org-every-cloudfront-logs", prefix: "media-lp/" },
          behaviors: [{ pathPattern: "/thumbnails/*", cachePolicy: "CachingOptimized" }],
        },
      },
      {
        name: "beta",
        sid: "media",
        distribution: {
          aliases: ["beta.example.org"],
          certificateArn: certificate("2c3d4e5f-6071-4829-93a4-b5c6d7e8f9a0"),
          logging: { bucket: "example-org-every-cloudfront-logs" },
        },
        continuousDeployment: {
          traffic: { type: "header", header: "aws-cf-cd-release", value: "candidate" },
          pipeline: {
            source: {
              type: "codestar",
              connectionArn: `arn:aws:codeconnections:eu-west-1:${ACCOUNT}:connection/0d3f8a1e-5b7c-4e2a-9c61-2f4b8e7a9d10`,
              repository: "example-org/lp-site",
              branch: "main",
            },
          },
        },
      },
    ],
  };
}

/** Writes function directories (manifest.json, and index.js for CloudFront Functions) into a temporary directory. */
export function functionSources(functions: { manifest: EnvironmentInput; code?: string }[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "every-option-fns-"));
  for (const { manifest, code } of functions) {
    mkdirSync(path.join(dir, manifest.name));
    writeFileSync(path.join(dir, manifest.name, "manifest.json"), JSON.stringify(manifest));
    if (code) writeFileSync(path.join(dir, manifest.name, "index.js"), code);
  }
  return dir;
}

export const PASS_THROUGH = "function handler(event) {\n  return event.request;\n}\n";
export const KVS_READER =
  "import cf from 'cloudfront';\nconst kvs = cf.kvs();\nasync function handler(event) {\n  const r = event.request;\n  if (await kvs.exists(r.uri)) r.uri = await kvs.get(r.uri);\n  return r;\n}\n";

/** The every-option environment with its functions, synthesized: `{ every: cdk.tf.json }`. */
export function synthesizeEveryOption(
  input: EnvironmentInput = everyOptionInput(),
  extraFunctions: { manifest: EnvironmentInput; code?: string }[] = [],
): Record<string, StackJson> {
  const env = validateEnvironments([{ file: `environments/${input.name}.json`, input }])[0];
  const cf2 = functionSources([
    {
      manifest: {
        ticket: "SHOP-1",
        name: "redirects",
        sid: "shop",
        environments: [input.name],
        runtime: "cloudfront-js-2.0",
        owner: "infra",
        comment: "redirects",
        keyValueStore: { name: "redirects" },
        associations: [{ site: "web", behavior: "default", eventType: "viewer-request" }],
      },
      code: KVS_READER,
    },
    {
      manifest: {
        ticket: "SHOP-2",
        name: "headers",
        sid: "shop",
        environments: [input.name],
        runtime: "cloudfront-js-2.0",
        owner: "app",
        associations: [{ site: "web", behavior: "/assets/*", eventType: "viewer-response" }],
      },
      code: "function handler(event) {\n  return event.response;\n}\n",
    },
    ...extraFunctions,
  ]);
  const lambda = functionSources([
    {
      manifest: {
        ticket: "MEDIA-1",
        name: "thumbs",
        sid: "media",
        environments: [input.name],
        owner: "app",
        memory: 1024,
        timeout: 20,
        imagesToKeep: 10,
        environmentVariables: { MAX_WIDTH: "1200" },
        origin: { site: "lp", pathPattern: "/thumbnails/*" },
      },
    },
    { manifest: { ticket: "MEDIA-2", name: "resizer", sid: "media", environments: [input.name], owner: "infra", architecture: "x86_64" } },
  ]);
  return synthesize([env], validateFunctions(readManifestSources(cf2), [env]), validateContainerFunctions(readContainerFunctionManifestSources(lambda), [env]));
}
