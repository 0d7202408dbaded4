#!/usr/bin/env bash
# Publishes the built web app to an env's S3 web bucket behind CloudFront (edge_mode cloudfront;
# docs/delivery.md, "The web app on CloudFront").
#   scripts/publish-web.sh --bucket BUCKET --distribution ID (--image REF | --dist DIR)
# --image takes the files from the frontend image the env runs (/usr/share/nginx/html of
# taskapp-frontend:<tag>, so CloudFront serves the very bytes the nginx pods would); --dist takes a
# `vite build` output folder. Order matters for clients mid-deploy:
#   1. assets/* (content-hashed names): Cache-Control "public, max-age=31536000, immutable"; old
#      assets stay (a browser holding the previous index.html still finds its files);
#   2. every other file except index.html: "public, max-age=300" (favicon, robots.txt, ...);
#   3. sw.js (the service worker, which precaches the shell) and index.html last, "no-cache"
#      (revalidated on every load), so they never name an asset that is not there yet;
#   4. a CloudFront invalidation of the files that are not content-hashed (index.html, "/", the rest).
# Compression: only the plain files are uploaded, not the build's .br/.gz siblings. An S3 key has
# one body whatever the request's Accept-Encoding, and picking a sibling per request would need an
# edge function; CloudFront's own compression (Compress=true on the behaviour, a cache policy with
# gzip + brotli in the cache key, e.g. the managed CachingOptimized) serves brotli or gzip from the
# edge and caches each variant (docs/delivery.md). Source maps and dist/.vite/ stay out too.
# Uses the AWS CLI on PATH (AWS_ENDPOINT_URL is honoured, as the tests use). DOCKER names docker.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ASSETS_CACHE="public, max-age=31536000, immutable"
OTHER_CACHE="public, max-age=300"
INDEX_CACHE="no-cache"
DOCKER="${DOCKER:-docker}"

usage() { die "usage: $0 --bucket BUCKET --distribution ID (--image REF | --dist DIR)"; }

bucket="" distribution="" image="" dist=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bucket|--distribution|--image|--dist)
      [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"
      case "$1" in
        --bucket) bucket="$2" ;; --distribution) distribution="$2" ;;
        --image) image="$2" ;; --dist) dist="$2" ;;
      esac
      shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$bucket" ] && [ -n "$distribution" ] || usage
if { [ -n "$image" ] && [ -n "$dist" ]; } || { [ -z "$image" ] && [ -z "$dist" ]; }; then
  die "give exactly one of --image REF and --dist DIR"
fi
command -v aws >/dev/null || die "the AWS CLI is missing (pip install awscli, or the runner's aws)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -n "$image" ]; then
  command -v "$DOCKER" >/dev/null || die "--image needs docker to read $image"
  "$DOCKER" pull -q "$image" >/dev/null
  cid="$("$DOCKER" create "$image")"
  "$DOCKER" cp "$cid:/usr/share/nginx/html" "$work/dist"
  "$DOCKER" rm "$cid" >/dev/null
  dist="$work/dist"
fi
[ -f "$dist/index.html" ] || die "$dist/index.html is missing: not a web app build"
[ -d "$dist/assets" ] || die "$dist/assets/ is missing: not a vite build (assetsDir \"assets\")"

# Source maps, precompressed siblings (CloudFront compresses at the edge) and the build's chunk
# graph (.vite/manifest.json) stay out of the public bucket.
excludes=(--exclude "*.map" --exclude "*.br" --exclude "*.gz" --exclude ".vite/*")

log "1/4 assets/ -> s3://$bucket/assets/ ($ASSETS_CACHE)"
aws s3 cp --recursive --only-show-errors "$dist/assets" "s3://$bucket/assets" \
  --cache-control "$ASSETS_CACHE" "${excludes[@]}"

log "2/4 other files ($OTHER_CACHE)"
aws s3 cp --recursive --only-show-errors "$dist" "s3://$bucket" \
  --exclude "assets/*" --exclude "index.html" --exclude "sw.js" "${excludes[@]}" \
  --cache-control "$OTHER_CACHE"

log "3/4 sw.js and index.html ($INDEX_CACHE)"
if [ -f "$dist/sw.js" ]; then
  aws s3 cp --only-show-errors "$dist/sw.js" "s3://$bucket/sw.js" \
    --cache-control "$INDEX_CACHE" --content-type "text/javascript; charset=utf-8"
fi
aws s3 cp --only-show-errors "$dist/index.html" "s3://$bucket/index.html" \
  --cache-control "$INDEX_CACHE" --content-type "text/html; charset=utf-8"

# Everything that is not content-hashed: index.html (also served as "/") and the other files.
paths=("/" "/index.html")
while IFS= read -r -d '' file; do
  rel="${file#"$dist"/}"
  case "$rel" in assets/*|index.html|*.map|*.br|*.gz|.vite/*) continue ;; esac
  paths+=("/$rel")
done < <(find "$dist" -type f -print0 | sort -z)
log "4/4 CloudFront invalidation of ${#paths[@]} path(s) on $distribution"
aws cloudfront create-invalidation --distribution-id "$distribution" --paths "${paths[@]}" \
  --query 'Invalidation.Id' --output text
