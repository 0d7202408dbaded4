mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

mock_provider "aws" {
  alias           = "us_east_1"
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  name              = "taskapp-test"
  domain_name       = "test.taskapp.example.com"
  zone_id           = "Z0TEST"
  api_origin_domain = "origin.test.taskapp.example.com"
}

# Root-module tests must hand the aliased provider over explicitly.
run "the_bucket_is_private_and_read_only_by_this_distribution" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  assert {
    condition     = module.web_bucket.public_access_blocked
    error_message = "the web bucket is not public"
  }
  assert {
    condition     = module.web_bucket.versioning_status == "Enabled" && module.web_bucket.sse_algorithm == "aws:kms" && jsondecode(module.web_bucket.policy).Statement[0].Sid == "DenyInsecureTransport"
    error_message = "the web bucket is versioned, encrypted with its KMS key and TLS-only (modules/bucket; checkov cannot see this through the counted module)"
  }
  assert {
    condition     = aws_cloudfront_origin_access_control.web.origin_access_control_origin_type == "s3" && aws_cloudfront_origin_access_control.web.signing_behavior == "always"
    error_message = "CloudFront reads the bucket through origin access control (signed requests)"
  }
  assert {
    condition     = jsondecode(module.web_bucket.policy).Statement[1].Principal.Service == "cloudfront.amazonaws.com" && jsondecode(module.web_bucket.policy).Statement[1].Action == "s3:GetObject" && jsondecode(module.web_bucket.policy).Statement[1].Condition.StringEquals["AWS:SourceArn"] == aws_cloudfront_distribution.this.arn
    error_message = "only this distribution may get objects"
  }
}

run "index_html_is_never_cached_hashed_assets_for_a_year_and_api_goes_to_the_alb" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  assert {
    condition     = one(aws_cloudfront_distribution.this.default_cache_behavior).cache_policy_id == data.aws_cloudfront_cache_policy.disabled.id && one(aws_cloudfront_distribution.this.default_cache_behavior).target_origin_id == "web-bucket"
    error_message = "index.html (the default behaviour) comes from the bucket uncached"
  }
  assert {
    condition     = [for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.cache_policy_id if b.path_pattern == "/assets/*"] == [aws_cloudfront_cache_policy.hashed_assets.id] && aws_cloudfront_cache_policy.hashed_assets.min_ttl == 31536000
    error_message = "/assets/* (content-hashed) is cached for a year"
  }
  assert {
    condition     = [for b in aws_cloudfront_distribution.this.ordered_cache_behavior : [b.target_origin_id, b.cache_policy_id, contains(b.allowed_methods, "POST")] if b.path_pattern == "/api/*"] == [["alb", data.aws_cloudfront_cache_policy.disabled.id, true]]
    error_message = "/api/* goes to the ALB origin, uncached, with every method"
  }
  assert {
    condition     = [for b in aws_cloudfront_distribution.this.ordered_cache_behavior : [b.target_origin_id, b.cache_policy_id, contains(b.allowed_methods, "POST")] if b.path_pattern == "/p/*"] == [["alb", data.aws_cloudfront_cache_policy.disabled.id, false]]
    error_message = "/p/* (published projects, rendered by the backend) goes to the ALB origin, uncached, read-only"
  }
  assert {
    condition     = one([for o in aws_cloudfront_distribution.this.origin : one(o.custom_origin_config).origin_protocol_policy if o.origin_id == "alb"]) == "https-only" && one([for o in aws_cloudfront_distribution.this.origin : o.domain_name if o.origin_id == "alb"]) == "origin.test.taskapp.example.com"
    error_message = "the ALB origin is origin.<domain> over HTTPS only"
  }
  assert {
    condition     = one([for o in aws_cloudfront_distribution.this.origin : one(o.custom_origin_config).origin_read_timeout if o.origin_id == "alb"]) >= 30
    error_message = "CloudFront must wait for the API's next bytes longer than two live-update heartbeats (15 s each)."
  }
  assert {
    condition     = [for b in aws_cloudfront_distribution.this.ordered_cache_behavior : [b.path_pattern, b.target_origin_id, b.cache_policy_id, b.compress]][0] == ["/api/v1/events", "alb", data.aws_cloudfront_cache_policy.disabled.id, false]
    error_message = "the live-update stream goes to the ALB uncached and uncompressed, matched before /api/*"
  }
}

run "a_cloudfront_waf_with_managed_rules_in_us_east_1" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  assert {
    condition     = module.waf.scope == "CLOUDFRONT" && aws_cloudfront_distribution.this.web_acl_id == module.waf.arn
    error_message = "the distribution is behind a CLOUDFRONT-scope WAF ACL"
  }
  assert {
    condition     = module.waf.rule_names == ["AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesAmazonIpReputationList", "rate-limit-per-ip"]
    error_message = "AWS managed rule groups and a per-IP rate limit"
  }
  assert {
    condition     = one(aws_cloudfront_distribution.this.viewer_certificate).acm_certificate_arn == aws_acm_certificate_validation.this.certificate_arn && one(aws_cloudfront_distribution.this.viewer_certificate).minimum_protocol_version == "TLSv1.2_2021"
    error_message = "CloudFront presents the validated us-east-1 certificate, TLS 1.2 or later"
  }
  assert {
    condition     = toset([for r in aws_route53_record.alias : r.type]) == toset(["A", "AAAA"]) && alltrue([for r in aws_route53_record.alias : r.name == "test.taskapp.example.com"])
    error_message = "the env's host name is an alias of the distribution"
  }
}
