output "certificate_arn" {
  description = "ARN of the issued ACM certificate (after DNS validation) for the ALB's HTTPS listener."
  value       = aws_acm_certificate_validation.this.certificate_arn
}

output "waf_acl_arn" {
  description = "ARN of the regional WAFv2 web ACL; empty string where the env has none."
  value       = var.enable_waf ? module.waf[0].arn : ""
}

output "alb_logs_bucket" {
  description = "Bucket the ALB writes access logs to (the ingress access_logs.s3.bucket attribute)."
  value       = aws_s3_bucket.logs.bucket
}

output "account_names" {
  description = "Names this module claims in the AWS account or globally, as kind:name (the estate test fails when two configurations claim one)."
  value = concat(
    ["s3-bucket:${aws_s3_bucket.logs.bucket}"],
    [for w in module.waf : "wafv2-regional-acl:${w.name}"],
    [for w in module.waf : "log-group:${w.log_group_name}"],
  )
}
