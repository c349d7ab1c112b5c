import { defineEnvironment } from "../config/environment";

/** Development: one account shared by every product team for integration work. */
export default defineEnvironment({
  name: "dev",
  accountId: "123456789012",
  region: "ap-northeast-1",
  repository: "example-org/edge-delivery",
  logRetentionDays: 14,
  backend: {
    type: "s3",
    bucket: "example-org-tfstate-dev",
    key: "edge-delivery/dev.tfstate",
    region: "ap-northeast-1",
  },
  tags: { "cost-center": "platform-dev" },
  products: [
    {
      sid: "shop",
      description: "Online shop storefront",
      access: {
        maintenance: { permissionSets: ["ShopDeveloper"] },
        cicd: { repository: "example-org/shop-edge-functions", repositoryId: "712345601", ownerId: "81234567", environment: "dev" },
      },
    },
    {
      sid: "media",
      description: "Owned media and campaign pages",
      access: {
        maintenance: { permissionSets: ["MediaDeveloper", "MediaOperator"] },
        cicd: { repository: "example-org/media-edge-functions", repositoryId: "712345602", ownerId: "81234567", environment: "dev" },
      },
    },
  ],
  // The dev account has no GitHub OIDC provider yet: this stack creates it.
  githubOidc: {},
  // The infrastructure team's plan/apply roles for .github/workflows (docs/access.md, "The infrastructure team's roles"):
  // example-org/edge-delivery's numeric repository and owner ids.
  deployRoles: { repositoryId: "812345678", ownerId: "91234567" },
  sites: [
    {
      name: "web",
      sid: "shop",
      distribution: {
        id: "E1DEVSHOPWEB01",
        comment: "dev shop storefront",
        behaviors: [{ pathPattern: "/api/*", cachePolicy: "CachingDisabled" }, { pathPattern: "/assets/*" }],
      },
      // Every deploy invalidates the changed pages (directory forms included); removed pages too.
      invalidation: { events: ["created", "removed"], paths: "changed", maxPaths: 50 },
    },
    {
      name: "lp",
      sid: "media",
      distribution: {
        id: "E1DEVMEDIALP01",
        comment: "dev campaign landing pages",
        // Served by the container function functions/lambda/thumbnailer (its manifest's origin).
        behaviors: [{ pathPattern: "/thumbnails/*", cachePolicy: "CachingOptimized" }],
      },
    },
  ],
});
