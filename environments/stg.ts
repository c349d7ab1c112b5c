import { defineEnvironment } from "../config/environment";

/** Staging: production-like, for release rehearsal and acceptance tests. */
export default defineEnvironment({
  name: "stg",
  accountId: "234567890123",
  region: "ap-northeast-1",
  repository: "example-org/edge-delivery",
  logRetentionDays: 30,
  backend: {
    type: "s3",
    bucket: "example-org-tfstate-stg",
    key: "edge-delivery/stg.tfstate",
    region: "ap-northeast-1",
  },
  tags: { "cost-center": "platform-stg" },
  products: [
    {
      sid: "shop",
      description: "Online shop storefront",
      access: {
        maintenance: { permissionSets: ["ShopDeveloper"] },
        cicd: { repository: "example-org/shop-edge-functions", repositoryId: "712345601", ownerId: "81234567", environment: "stg" },
      },
    },
    { sid: "media", description: "Owned media and campaign pages" },
  ],
  // Another project created the stg account's GitHub OIDC provider; reference it.
  githubOidc: { existingProviderArn: "arn:aws:iam::234567890123:oidc-provider/token.actions.githubusercontent.com" },
  // The infrastructure team's plan/apply roles for .github/workflows (docs/access.md, "The infrastructure team's roles"):
  // example-org/edge-delivery's numeric repository and owner ids.
  deployRoles: { repositoryId: "812345678", ownerId: "91234567" },
  // Alarms go to the platform team's existing topic (its policy admits CloudWatch and EventBridge; docs/alarms.md).
  alarms: { topicArn: "arn:aws:sns:ap-northeast-1:234567890123:stg-platform-alerts" },
  sites: [
    {
      name: "web",
      sid: "shop",
      distribution: {
        id: "E2STGSHOPWEB01",
        comment: "stg shop storefront",
        behaviors: [{ pathPattern: "/api/*", cachePolicy: "CachingDisabled" }, { pathPattern: "/assets/*" }],
      },
      continuousDeployment: {
        // Testers reach staging with this header; everyone else sees the primary.
        traffic: { type: "header", header: "aws-cf-cd-release", value: "candidate" },
        pipeline: {
          source: {
            type: "codestar",
            connectionArn: "arn:aws:codestar-connections:ap-northeast-1:234567890123:connection/6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
            repository: "example-org/shop-web",
            branch: "main",
          },
          approvalTopicArn: "arn:aws:sns:ap-northeast-1:234567890123:stg-shop-release-approvals",
        },
      },
    },
    {
      name: "lp",
      sid: "media",
      distribution: {
        id: "E2STGMEDIALP01",
        comment: "stg campaign landing pages",
        // Served by the container function functions/lambda/thumbnailer (its manifest's origin).
        behaviors: [{ pathPattern: "/thumbnails/*", cachePolicy: "CachingOptimized" }],
      },
    },
  ],
});
