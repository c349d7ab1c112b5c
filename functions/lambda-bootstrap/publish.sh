#!/usr/bin/env bash
# Publishes the bootstrap image once per account and region, before the first container function there:
#   functions/lambda-bootstrap/publish.sh <account-id> <region>
# Needs Docker with buildx and credentials of the infrastructure team for that account.
#
# Creates the repository edge-lambda-bootstrap (immutable tags, scan on push), lets Lambda of this account pull
# from it (every new function of the account starts on it; it holds nothing but this handler), and pushes one
# single-platform image per architecture as <arch>-<version> (model/lambda.ts BOOTSTRAP_REPOSITORY/BOOTSTRAP_VERSION).
# Re-running is safe: existing repository, policy and tags are kept.
set -euo pipefail
ACCOUNT="${1:?account id}"
REGION="${2:?region}"
REPOSITORY=edge-lambda-bootstrap
VERSION=v1
REGISTRY="$ACCOUNT.dkr.ecr.$REGION.amazonaws.com"
HERE="$(cd "$(dirname "$0")" && pwd)"

if ! aws ecr describe-repositories --region "$REGION" --repository-names "$REPOSITORY" > /dev/null 2>&1; then
  aws ecr create-repository --region "$REGION" --repository-name "$REPOSITORY" \
    --image-tag-mutability IMMUTABLE --image-scanning-configuration scanOnPush=true > /dev/null
fi
aws ecr set-repository-policy --region "$REGION" --repository-name "$REPOSITORY" --policy-text "$(cat <<JSON
{ "Version": "2012-10-17",
  "Statement": [{ "Sid": "LambdaPullForFunctionsOfThisAccount", "Effect": "Allow",
    "Principal": { "Service": "lambda.amazonaws.com" },
    "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    "Condition": { "ArnLike": { "aws:SourceArn": "arn:aws:lambda:$REGION:$ACCOUNT:function:*" } } }] }
JSON
)" > /dev/null

aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$REGISTRY"
for ARCH in arm64 x86_64; do
  TAG="$ARCH-$VERSION"
  if aws ecr describe-images --region "$REGION" --repository-name "$REPOSITORY" --image-ids imageTag="$TAG" > /dev/null 2>&1; then
    echo "$REPOSITORY:$TAG exists"
    continue
  fi
  PLATFORM=$([ "$ARCH" = arm64 ] && echo linux/arm64 || echo linux/amd64)
  # --provenance=false: Lambda takes a single-platform image manifest, not an index with an attestation.
  docker buildx build --platform "$PLATFORM" --provenance=false --tag "$REGISTRY/$REPOSITORY:$TAG" --push "$HERE"
done
echo "bootstrap images: $REGISTRY/$REPOSITORY:{arm64,x86_64}-$VERSION"
