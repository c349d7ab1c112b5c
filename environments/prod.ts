import { defineEnvironment } from "../config/environment";

/** Production: its own account, long log retention, KMS-encrypted state with a legacy lock table. */
export default defineEnvironment({
  name: "prod",
  accountId: "345678901234",
  region: "ap-northeast-1",
  repository: "example-org/edge-delivery",
  logRetentionDays: 90,
  backend: {
    type: "s3",
    bucket: "example-org-tfstate-prod",
    key: "edge-delivery/prod.tfstate",
    region: "ap-northeast-1",
    kmsKeyId: "arn:aws:kms:ap-northeast-1:345678901234:alias/tfstate",
    dynamodbTable: "example-org-tfstate-lock",
  },
  tags: { "cost-center": "platform-prod" },
  products: [
    {
      sid: "shop",
      description: "Online shop storefront",
      access: {
        maintenance: { permissionSets: ["ShopOperator"] },
        // The production workflow watches the published function for a while before it finishes.
        // Pinned by id (a re-created repository of the same name gets a new id) and to the reviewed workflow on main.
        cicd: {
          repository: "example-org/shop-edge-functions",
          repositoryId: "712345601",
          ownerId: "81234567",
          environment: "production",
          workflowRef: "example-org/shop-edge-functions/.github/workflows/publish-cf2.yml@refs/heads/main",
          maxSessionHours: 2,
        },
      },
    },
    {
      sid: "media",
      description: "Owned media and campaign pages",
      access: { maintenance: { permissionSets: ["MediaOperator"] } },
    },
  ],
  githubOidc: {},
  // The infrastructure team's plan/apply roles for .github/workflows (docs/access.md, "The infrastructure team's roles"):
  // example-org/edge-delivery's numeric repository and owner ids.
  deployRoles: { repositoryId: "812345678", ownerId: "91234567" },
  // Production tier: certificates (TLSv1.2_2021) and access logs on every distribution, deletion protection, and
  // LIVE function changes only through the reviewed CI/CD role (docs/access.md, "Production safeguards").
  security: { requireCertificate: true, requireLogging: true, protectFromDeletion: true, liveChangesOnlyThroughCicd: true, requireWaf: true },
  // Failed invalidations, release executions and pipelines page the on-call mailbox (docs/alarms.md).
  alarms: { emails: ["edge-oncall@example.com"] },
  // Console and CLI changes to what this account's stacks manage become records and GitHub issues.
  changeRecorder: {
    repository: "example-org/edge-delivery",
    tokenParameter: "/edge/change-recorder/github-token",
    // The apply roles of this account's environments (deployRoles) are added as automation by themselves.
  },
  sites: [
    {
      name: "web",
      waf: {},
      sid: "shop",
      distribution: {
        id: "E3PRODSHOPWEB1",
        comment: "prod shop storefront",
        aliases: ["www.example.com"],
        certificateArn: "arn:aws:acm:us-east-1:345678901234:certificate/0d3f8a1e-5b7c-4e2a-9c61-2f4b8e7a9d10",
        priceClass: "PriceClass_All",
        logging: { bucket: "example-org-prod-cloudfront-logs", prefix: "shop-web/" },
        behaviors: [{ pathPattern: "/api/*", cachePolicy: "CachingDisabled" }, { pathPattern: "/assets/*" }],
      },
      // The vendor's build account replicates its artifacts into vendor/ only (the release pipeline owns every other
      // prefix); each replicated batch invalidates the primary. Releases are invalidated by the release flow.
      invalidation: {
        replicationSourceRoleArn: "arn:aws:iam::456789012345:role/vendor-artifacts-replication",
        replicationPrefix: "vendor/",
      },
      continuousDeployment: {
        // 5% of viewers see the candidate, each kept on one side for up to an hour.
        traffic: { type: "weight", weight: 0.05, sessionStickiness: { idleTtlSeconds: 600, maximumTtlSeconds: 3600 } },
        pipeline: {
          // The shop team uploads a zip of the built site; the object version names the release.
          source: { type: "s3", bucket: "example-org-prod-shop-web-releases", key: "shop-web/site.zip" },
          buildspec: "buildspec.release.yml",
        },
      },
    },
    {
      name: "lp",
      waf: { rateLimit: 1000 },
      sid: "media",
      distribution: {
        id: "E3PRODMEDIALP1",
        comment: "prod campaign landing pages",
        aliases: ["campaign.example.com"],
        certificateArn: "arn:aws:acm:us-east-1:345678901234:certificate/5a7c9e1b-3d2f-4b6a-8c0e-9f1d2b3c4a5e",
        logging: { bucket: "example-org-prod-cloudfront-logs", prefix: "media-lp/" },
        // Served by the container function functions/lambda/thumbnailer (its manifest's origin).
        behaviors: [{ pathPattern: "/thumbnails/*", cachePolicy: "CachingOptimized" }],
      },
    },
  ],
});
