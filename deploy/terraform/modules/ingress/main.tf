# What the ALB the AWS Load Balancer Controller creates needs before the first sync (issue 15
# points 6 and 8): a DNS-validated ACM certificate for the HTTPS listener, the regional WAFv2 web
# ACL (where enabled) and the access-logs bucket the ELB service may write to.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

# The ELB log-delivery principal of the region: an AWS account in regions opened before August
# 2022, the logdelivery service elsewhere; the data source knows which account, the policy allows both.
data "aws_elb_service_account" "this" {}

locals {
  account_id  = data.aws_caller_identity.current.account_id
  logs_bucket = "${var.name}-alb-logs-${local.account_id}"
}

# --- Certificate, validated through a record in the hosted zone. *.<domain> covers the ALB's
# origin.<domain> host when CloudFront fronts the env (modules/edge); ACM asks for the same
# validation record for a name and its wildcard, so one record validates both.
resource "aws_acm_certificate" "this" {
  domain_name               = var.domain_name
  subject_alternative_names = ["*.${var.domain_name}"]
  validation_method         = "DNS"
  key_algorithm             = "RSA_2048"
  tags                      = merge(var.tags, { Name = var.domain_name })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  zone_id         = var.zone_id
  name            = one(distinct([for o in aws_acm_certificate.this.domain_validation_options : o.resource_record_name]))
  type            = one(distinct([for o in aws_acm_certificate.this.domain_validation_options : o.resource_record_type]))
  records         = [one(distinct([for o in aws_acm_certificate.this.domain_validation_options : o.resource_record_value]))]
  ttl             = 300
  allow_overwrite = true
}

# Waits until ACM has issued the certificate: the ARN handed to the cluster is a usable one.
resource "aws_acm_certificate_validation" "this" {
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [aws_route53_record.validation.fqdn]
}

# --- Regional WAF for the ALB: modules/waf's rules, plus the SQL injection group (the API).
module "waf_logs_kms" {
  count           = var.enable_waf ? 1 : 0
  source          = "../kms"
  name            = "${var.name}-waf-logs"
  description     = "${var.name}: WAF logs"
  log_group_names = ["aws-waf-logs-${var.name}"]
  tags            = var.tags
}

module "waf" {
  count               = var.enable_waf ? 1 : 0
  source              = "../waf"
  name                = var.name
  description         = "taskapp ALB (${var.name}): AWS managed rules and a per-IP rate limit"
  scope               = "REGIONAL"
  managed_rule_groups = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesSQLiRuleSet"]
  rate_limit          = var.waf_rate_limit
  log_retention_days  = var.log_retention_days
  log_kms_key_arn     = module.waf_logs_kms[0].arn
  tags                = var.tags
}

# The ACL and its logging were written here before modules/waf: adopt them, do not replace them.
moved {
  from = aws_wafv2_web_acl.this[0]
  to   = module.waf[0].aws_wafv2_web_acl.this
}

moved {
  from = aws_cloudwatch_log_group.waf[0]
  to   = module.waf[0].aws_cloudwatch_log_group.this
}

moved {
  from = aws_wafv2_web_acl_logging_configuration.this[0]
  to   = module.waf[0].aws_wafv2_web_acl_logging_configuration.this
}

# --- ALB access logs. ELB writes only to SSE-S3 buckets (not SSE-KMS).
resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV_AWS_145:ALB access logs can only be delivered to SSE-S3 (AES256) buckets
  bucket        = local.logs_bucket
  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Name = local.logs_bucket, Purpose = "alb-logs" })
}

module "logs_bucket" {
  source      = "../bucket"
  bucket      = aws_s3_bucket.logs.id
  bucket_arn  = aws_s3_bucket.logs.arn
  kms_key_arn = null # ELB writes only to SSE-S3 buckets
  lifecycle_rule = {
    id              = "expire-access-logs"
    expiration_days = var.alb_logs_expiration_days
    noncurrent_days = 1
    abort_days      = 1
  }
  policy_statements = [{
    Sid       = "ElbLogDelivery"
    Effect    = "Allow"
    Principal = { AWS = data.aws_elb_service_account.this.arn, Service = "logdelivery.elasticloadbalancing.amazonaws.com" }
    Action    = "s3:PutObject"
    Resource  = "${aws_s3_bucket.logs.arn}/AWSLogs/${local.account_id}/*"
  }]
}

# The hardening was written here before modules/bucket: adopt it, do not replace it.
moved {
  from = aws_s3_bucket_public_access_block.logs
  to   = module.logs_bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.logs
  to   = module.logs_bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_versioning.logs
  to   = module.logs_bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.logs
  to   = module.logs_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.logs
  to   = module.logs_bucket.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_policy.logs
  to   = module.logs_bucket.aws_s3_bucket_policy.this
}
