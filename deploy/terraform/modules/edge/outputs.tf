output "web_bucket" {
  description = "Bucket the web app build is uploaded to (hashed files under assets/ with Cache-Control immutable, index.html no-cache)."
  value       = aws_s3_bucket.web.bucket
}

output "web_bucket_arn" {
  description = "ARN of the web bucket."
  value       = aws_s3_bucket.web.arn
}

output "distribution_arn" {
  description = "ARN of the CloudFront distribution."
  value       = aws_cloudfront_distribution.this.arn
}

output "api_origin_domain" {
  description = "Host name of the distribution's /api/* origin (the ALB answers on it: the cluster fact alb_host)."
  value       = one([for o in aws_cloudfront_distribution.this.origin : o.domain_name if o.origin_id == local.alb_origin])
}

output "distribution_id" {
  description = "CloudFront distribution ID (for invalidations, although index.html is never cached)."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_domain_name" {
  description = "CloudFront's own host name (the alias records point at it)."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "waf_acl_arn" {
  description = "ARN of the CLOUDFRONT-scope WAF web ACL."
  value       = module.waf.arn
}

output "account_names" {
  description = "Names this module claims in the AWS account or globally, as kind:name (the estate test fails when two configurations claim one)."
  value = concat([
    "s3-bucket:${aws_s3_bucket.web.bucket}",
    "cloudfront-oac:${aws_cloudfront_origin_access_control.web.name}",
    "cloudfront-cache-policy:${aws_cloudfront_cache_policy.hashed_assets.name}",
    "cloudfront-function:${aws_cloudfront_function.spa_routes.name}",
    "wafv2-cloudfront-acl:${module.waf.name}",
    "log-group-us-east-1:${module.waf.log_group_name}",
  ], [for p in aws_iam_role_policy.publisher : "iam-role-policy:${p.role}/${p.name}"])
}
