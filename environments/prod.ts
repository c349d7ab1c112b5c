import { defineEnvironment } from "./schema";

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
        cicd: { repository: "example-org/shop-edge-functions", environment: "production", maxSessionHours: 2 },
      },
    },
    {
      sid: "media",
      description: "Owned media and campaign pages",
      access: { maintenance: { permissionSets: ["MediaOperator"] } },
    },
  ],
  githubOidc: {},
  // The infrastructure team's plan/apply roles for .github/workflows (README, Pull-request review and delivery):
  // example-org/edge-delivery's numeric repository and owner ids.
  deployRoles: { repositoryId: "812345678", ownerId: "91234567" },
  sites: [
    {
      name: "web",
      sid: "shop",
      distribution: {
        id: "E3PRODSHOPWEB1",
        comment: "prod shop storefront",
        aliases: ["www.example.com"],
        certificateArn: "arn:aws:acm:us-east-1:345678901234:certificate/0d3f8a1e-5b7c-4e2a-9c61-2f4b8e7a9d10",
        priceClass: "PriceClass_All",
        logging: { bucket: "example-org-prod-cloudfront-logs", prefix: "shop-web/" },
        behaviors: [
          { pathPattern: "/api/*", cachePolicy: "CachingDisabled" },
          { pathPattern: "/assets/*" },
        ],
      },
      // The vendor's build account replicates artifacts into this bucket (S3 replication fires s3:ObjectCreated:*, so each replicated deploy invalidates /*).
      invalidation: { replicationSourceRoleArn: "arn:aws:iam::456789012345:role/vendor-artifacts-replication" },
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
      sid: "media",
      distribution: { id: "E3PRODMEDIALP1", comment: "prod campaign landing pages" },
    },
  ],
});
