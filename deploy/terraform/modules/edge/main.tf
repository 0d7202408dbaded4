# The web app on S3 + CloudFront + AWS WAF (edge_mode = "cloudfront"), the alternative to the
# nginx pods: the built app in a private bucket read through origin access control, index.html
# never cached (a deploy shows at once), the hashed files under /assets/ cached for a year, and
# /api/* passed uncached to the ALB (which answers on origin.<domain> with the regional certificate).
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

data "aws_cloudfront_cache_policy" "disabled" {
  name = "Managed-CachingDisabled"
}

data "aws_cloudfront_origin_request_policy" "all_viewer_except_host" {
  name = "Managed-AllViewerExceptHostHeader"
}

data "aws_cloudfront_response_headers_policy" "security_headers" {
  name = "Managed-SecurityHeadersPolicy"
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  bucket     = "${var.name}-web-${local.account_id}"
  s3_origin  = "web-bucket"
  alb_origin = "alb"
}

# --- The bucket: private, encrypted with a key CloudFront may use for this distribution only.
module "kms" {
  source      = "../kms"
  name        = "${var.name}-web"
  description = "${var.name}: the web app bucket behind CloudFront"
  extra_statements = [{
    Sid       = "CloudFrontReadsTheWebApp"
    Effect    = "Allow"
    Principal = { Service = "cloudfront.amazonaws.com" }
    Action    = ["kms:Decrypt"]
    Resource  = "*"
    Condition = { StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.this.arn } }
  }]
  tags = var.tags
}

resource "aws_s3_bucket" "web" {
  #checkov:skip=CKV2_AWS_6:the hardening is module.web_bucket (modules/bucket), asserted by tests/edge.tftest.hcl; checkov loses the link inside a counted module (composition: edge count)
  #checkov:skip=CKV_AWS_21:the hardening is module.web_bucket (modules/bucket), asserted by tests/edge.tftest.hcl; checkov loses the link inside a counted module (composition: edge count)
  #checkov:skip=CKV_AWS_145:the hardening is module.web_bucket (modules/bucket), asserted by tests/edge.tftest.hcl; checkov loses the link inside a counted module (composition: edge count)
  #checkov:skip=CKV2_AWS_61:the hardening is module.web_bucket (modules/bucket), asserted by tests/edge.tftest.hcl; checkov loses the link inside a counted module (composition: edge count)
  bucket        = local.bucket
  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Name = local.bucket, Purpose = "web-app" })
}

module "web_bucket" {
  source      = "../bucket"
  bucket      = aws_s3_bucket.web.id
  bucket_arn  = aws_s3_bucket.web.arn
  kms_key_arn = module.kms.arn
  lifecycle_rule = {
    id              = "expire-old-builds"
    noncurrent_days = 30 # a rollback re-uploads an older build; old versions are only an undo
    abort_days      = 1
  }
  policy_statements = [{
    Sid       = "CloudFrontReadsThroughOriginAccessControl"
    Effect    = "Allow"
    Principal = { Service = "cloudfront.amazonaws.com" }
    Action    = "s3:GetObject"
    Resource  = "${aws_s3_bucket.web.arn}/*"
    Condition = { StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.this.arn } }
  }]
}

# The hardening was written here before modules/bucket: adopt it, do not replace it.
moved {
  from = aws_s3_bucket_public_access_block.web
  to   = module.web_bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.web
  to   = module.web_bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_versioning.web
  to   = module.web_bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.web
  to   = module.web_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.web
  to   = module.web_bucket.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_policy.web
  to   = module.web_bucket.aws_s3_bucket_policy.this
}

resource "aws_cloudfront_origin_access_control" "web" {
  name                              = local.bucket
  description                       = "CloudFront reads ${local.bucket} (SigV4)"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# --- Caching: a year for content-hashed files, nothing for index.html and the API.
resource "aws_cloudfront_cache_policy" "hashed_assets" {
  name        = "${var.name}-hashed-assets"
  comment     = "Vite's content-hashed files: a new build has new names, so cache for a year"
  min_ttl     = 31536000
  default_ttl = 31536000
  max_ttl     = 31536000

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_brotli = true
    enable_accept_encoding_gzip   = true
    cookies_config {
      cookie_behavior = "none"
    }
    headers_config {
      header_behavior = "none"
    }
    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

# The single-page app: any path without a file extension is a client route, served index.html.
resource "aws_cloudfront_function" "spa_routes" {
  name    = "${var.name}-spa-routes"
  runtime = "cloudfront-js-2.0"
  comment = "Client-side routes of the web app get /index.html"
  publish = true
  code    = <<-EOT
    function handler(event) {
      var request = event.request;
      if (!request.uri.includes('.')) {
        request.uri = '/index.html';
      }
      return request;
    }
  EOT
}

# --- WAF in CLOUDFRONT scope (us-east-1): modules/waf's rules.
module "waf" {
  source      = "../waf"
  providers   = { aws = aws.us_east_1 }
  name        = "${var.name}-edge"
  description = "taskapp CloudFront (${var.name}): AWS managed rules and a per-IP rate limit"
  scope       = "CLOUDFRONT"
  rate_limit  = var.waf_rate_limit
  # No KMS key: a CLOUDFRONT ACL logs in us-east-1, where a key for one log group is not worth
  # its cost (no personal data: authorization and cookie are redacted).
  log_retention_days = var.log_retention_days
  tags               = var.tags
}

# The ACL and its logging were written here before modules/waf: adopt them, do not replace them.
moved {
  from = aws_wafv2_web_acl.this
  to   = module.waf.aws_wafv2_web_acl.this
}

moved {
  from = aws_cloudwatch_log_group.waf
  to   = module.waf.aws_cloudwatch_log_group.this
}

moved {
  from = aws_wafv2_web_acl_logging_configuration.this
  to   = module.waf.aws_wafv2_web_acl_logging_configuration.this
}

# --- The certificate CloudFront presents (us-east-1), validated in the env's zone.
resource "aws_acm_certificate" "this" {
  provider          = aws.us_east_1
  domain_name       = var.domain_name
  validation_method = "DNS"
  key_algorithm     = "RSA_2048"
  tags              = merge(var.tags, { Name = var.domain_name })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  zone_id         = var.zone_id
  name            = one(aws_acm_certificate.this.domain_validation_options).resource_record_name
  type            = one(aws_acm_certificate.this.domain_validation_options).resource_record_type
  records         = [one(aws_acm_certificate.this.domain_validation_options).resource_record_value]
  ttl             = 300
  allow_overwrite = true # the regional certificate of the same name asks for the same record
}

resource "aws_acm_certificate_validation" "this" {
  provider                = aws.us_east_1
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [aws_route53_record.validation.fqdn]
}

# --- The distribution.
resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_86:CloudFront standard logs need an ACL-enabled bucket; requests are logged by the WAF (every request) and the ALB (API)
  #checkov:skip=CKV_AWS_310:one S3 origin by design; S3 is regional and multi-AZ
  #checkov:skip=CKV_AWS_374:the product is served worldwide
  #checkov:skip=CKV2_AWS_47:the ACL (modules/waf) always has AWSManagedRulesKnownBadInputsRuleSet (Log4JRCE), asserted by tests/edge.tftest.hcl; checkov does not follow the ACL into the module
  enabled             = true
  is_ipv6_enabled     = true
  http_version        = "http2and3"
  comment             = "taskapp web app and API (${var.name})"
  aliases             = [var.domain_name]
  default_root_object = "index.html"
  price_class         = var.price_class
  web_acl_id          = module.waf.arn

  origin {
    origin_id                = local.s3_origin
    domain_name              = aws_s3_bucket.web.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.web.id
  }

  origin {
    origin_id   = local.alb_origin
    domain_name = var.api_origin_domain
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
      # A live-update stream (GET /api/v1/events) is silent between heartbeats (15 s): the wait
      # for the origin's next bytes must outlast two of them (docs/adr/0019). 60 s is the most
      # CloudFront allows without a quota increase.
      origin_read_timeout = 60
    }
  }

  # index.html and client routes: never cached.
  default_cache_behavior {
    target_origin_id           = local.s3_origin
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.disabled.id
    response_headers_policy_id = data.aws_cloudfront_response_headers_policy.security_headers.id

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.spa_routes.arn
    }
  }

  # The backend's paths, uncached and passed to the ALB: the API (every method), and published
  # projects (/p/<token>, pages the backend renders; a revoked link must stop working at once).
  # The live-update stream first (behaviours match in order): never compressed, since a
  # compressor may hold events back until it has a block's worth (docs/adr/0019).
  dynamic "ordered_cache_behavior" {
    for_each = [
      { path = "/api/v1/events", methods = ["GET", "HEAD", "OPTIONS"], compress = false },
      { path = "/api/*", methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"], compress = true },
      { path = "/p/*", methods = ["GET", "HEAD", "OPTIONS"], compress = true },
    ]
    content {
      path_pattern               = ordered_cache_behavior.value.path
      target_origin_id           = local.alb_origin
      viewer_protocol_policy     = "https-only"
      allowed_methods            = ordered_cache_behavior.value.methods
      cached_methods             = ["GET", "HEAD"]
      compress                   = ordered_cache_behavior.value.compress
      cache_policy_id            = data.aws_cloudfront_cache_policy.disabled.id
      origin_request_policy_id   = data.aws_cloudfront_origin_request_policy.all_viewer_except_host.id
      response_headers_policy_id = data.aws_cloudfront_response_headers_policy.security_headers.id
    }
  }

  ordered_cache_behavior {
    path_pattern               = "/assets/*"
    target_origin_id           = local.s3_origin
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = aws_cloudfront_cache_policy.hashed_assets.id
    response_headers_policy_id = data.aws_cloudfront_response_headers_policy.security_headers.id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate_validation.this.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }

  tags = var.tags
}

# The env's host name points at CloudFront (external-dns then only writes origin.<domain>).
resource "aws_route53_record" "alias" {
  for_each = toset(["A", "AAAA"])
  zone_id  = var.zone_id
  name     = var.domain_name
  type     = each.value

  alias {
    name                   = aws_cloudfront_distribution.this.domain_name
    zone_id                = aws_cloudfront_distribution.this.hosted_zone_id
    evaluate_target_health = false
  }
}

# --- Who publishes (scripts/publish-web.sh, run by the workflows): what that script calls, on
# this env's bucket and distribution only. `aws s3 cp` needs PutObject (multipart parts included)
# and, the bucket key being KMS, data keys for the upload (GenerateDataKey; Decrypt to complete a
# multipart upload); `aws cloudfront create-invalidation` needs CreateInvalidation. It never lists,
# reads or deletes (old hashed assets stay for clients holding the previous index.html).
# scripts/tests/test_ci_role.py derives the calls from the workflows and checks this plan grants
# each and nothing broader.
resource "aws_iam_role_policy" "publisher" {
  count = var.publisher_role_name == null ? 0 : 1
  name  = "web-publish-${var.name}"
  role  = var.publisher_role_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "UploadTheWebApp"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = ["arn:${data.aws_partition.current.partition}:s3:::${aws_s3_bucket.web.bucket}/*"] # by name: known at plan
      },
      {
        Sid      = "EncryptUploadsWithTheBucketKey"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = [module.kms.arn]
      },
      {
        Sid      = "InvalidateThisDistribution"
        Effect   = "Allow"
        Action   = ["cloudfront:CreateInvalidation"]
        Resource = [aws_cloudfront_distribution.this.arn]
      },
    ]
  })
}
