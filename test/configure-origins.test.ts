/**
 * Configure repoints only the release origin: a site whose bucket has a replication source's folder
 * (invalidation.replicationPrefix under continuous deployment) keeps its second origin, so the folder stays served
 * after every release. Run with the offline ASL interpreter on the rendered definition.
 */
import { renderDefinition } from "../modules/release-state-machines";
import { runStateMachine, unproducedReads } from "./support/asl";

const definition = JSON.parse(
  renderDefinition("configure", {
    ReleaseVersionParameter: "/edge/prod/shop/web/release-version",
    UnreleasedPlaceholder: "unreleased",
    StagingDistributionId: "ESTAGING",
    PrimaryDistributionId: "EPRIMARY",
    PolicyId: "policy-1",
  }),
);

const releaseOrigin = { Id: "s3-origin", DomainName: "bucket.s3.ap-northeast-1.amazonaws.com", OriginPath: "/old", OriginAccessControlId: "OAC" };
const unversioned = { Id: "s3-unversioned", DomainName: "bucket.s3.ap-northeast-1.amazonaws.com", OriginPath: "", OriginAccessControlId: "OAC" };

function configureWith(origins: object[]) {
  const updates: any[] = [];
  const answers: Record<string, (p: any) => any> = {
    "ssm:getParameter": () => ({ Parameter: { Value: "3f9c2ab" } }),
    "cloudfront:getDistributionConfig": (p) => ({ ETag: `${p.Id}-etag`, DistributionConfig: { Origins: { Quantity: origins.length, Items: origins }, ContinuousDeploymentPolicyId: p.Id === "EPRIMARY" ? "policy-1" : "" } }),
    "cloudfront:updateDistribution": (p) => (updates.push(p), {}),
    "cloudfront:getDistribution": () => ({ Distribution: { Status: "Deployed" } }),
  };
  const execution = runStateMachine(definition, (action, parameters) => {
    const answer = answers[action] ?? (() => ({ ETag: "e", ContinuousDeploymentPolicyConfig: {}, Invalidation: { Id: "I1", Status: "Completed" } }));
    return answer(parameters);
  });
  return { execution, staging: updates.find((u) => u.Id === "ESTAGING") };
}

test("every path the new states read was written before", () => {
  expect(unproducedReads(definition)).toEqual([]);
});

test("with a second (unversioned) origin, only the first origin's path changes and the second is kept", () => {
  const { staging } = configureWith([releaseOrigin, unversioned]);
  expect(staging.DistributionConfig.Origins).toEqual({ Quantity: 2, Items: [{ ...releaseOrigin, OriginPath: "/3f9c2ab" }, unversioned] });
});

test("a site with one origin is repointed as before", () => {
  const { staging } = configureWith([releaseOrigin]);
  expect(staging.DistributionConfig.Origins).toEqual({ Quantity: 1, Items: [{ ...releaseOrigin, OriginPath: "/3f9c2ab" }] });
});
