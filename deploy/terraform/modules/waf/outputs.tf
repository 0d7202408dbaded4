output "arn" {
  description = "ARN of the web ACL (an ALB's wafv2-acl-arn annotation, a distribution's web_acl_id)."
  value       = aws_wafv2_web_acl.this.arn
}

output "name" {
  description = "Name of the web ACL."
  value       = aws_wafv2_web_acl.this.name
}

output "scope" {
  description = "REGIONAL or CLOUDFRONT."
  value       = aws_wafv2_web_acl.this.scope
}

output "rule_names" {
  description = "Rule names in priority order."
  value       = [for r in sort([for r in aws_wafv2_web_acl.this.rule : format("%03d %s", r.priority, r.name)]) : substr(r, 4, -1)]
}

output "log_group_name" {
  description = "The aws-waf-logs-* log group the ACL logs to."
  value       = aws_cloudwatch_log_group.this.name
}
