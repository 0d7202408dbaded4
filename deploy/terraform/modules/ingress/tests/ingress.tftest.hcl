mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  name        = "taskapp-test"
  domain_name = "test.taskapp.example.com"
  zone_id     = "Z0TEST"
}

run "the_certificate_is_validated_in_the_zone_before_its_arn_is_handed_on" {
  command = plan

  assert {
    condition     = aws_acm_certificate.this.domain_name == "test.taskapp.example.com" && aws_acm_certificate.this.subject_alternative_names == toset(["*.test.taskapp.example.com"]) && aws_acm_certificate.this.validation_method == "DNS"
    error_message = "one DNS-validated certificate for the env's host and its subdomains (origin.<domain> behind CloudFront)"
  }
  assert {
    condition     = aws_route53_record.validation.zone_id == "Z0TEST" && aws_route53_record.validation.type == "CNAME"
    error_message = "the validation record goes into the env's hosted zone"
  }
  assert {
    condition     = aws_acm_certificate_validation.this.certificate_arn == aws_acm_certificate.this.arn && output.certificate_arn == aws_acm_certificate_validation.this.certificate_arn
    error_message = "the certificate ARN handed to the cluster comes from the validation (issued), not the request"
  }
  assert {
    condition     = output.waf_acl_arn == "" && length(module.waf) == 0
    error_message = "no WAF unless enabled"
  }
}

run "the_elb_service_may_write_access_logs" {
  command = plan

  assert {
    condition     = output.alb_logs_bucket == "taskapp-test-alb-logs-123456789012"
    error_message = "the logs bucket is taskapp-<env>-alb-logs-<account>"
  }
  assert {
    condition     = jsondecode(module.logs_bucket.policy).Statement[1].Action == "s3:PutObject" && jsondecode(module.logs_bucket.policy).Statement[1].Principal.Service == "logdelivery.elasticloadbalancing.amazonaws.com" && jsondecode(module.logs_bucket.policy).Statement[1].Principal.AWS == data.aws_elb_service_account.this.arn
    error_message = "the ELB log-delivery principals (the region's ELB account and the logdelivery service) may put objects"
  }
  assert {
    condition     = endswith(jsondecode(module.logs_bucket.policy).Statement[1].Resource, "/AWSLogs/123456789012/*")
    error_message = "ELB may write only under AWSLogs/<this account>/"
  }
  assert {
    condition     = module.logs_bucket.sse_algorithm == "AES256"
    error_message = "ALB access logs need SSE-S3 (ELB cannot write to SSE-KMS buckets)"
  }
}

run "prod_gets_a_waf_with_managed_rules" {
  command = plan

  variables {
    enable_waf = true
  }

  assert {
    condition     = module.waf[0].scope == "REGIONAL" && module.waf[0].rule_names == ["AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesSQLiRuleSet", "rate-limit-per-ip"]
    error_message = "a regional ACL with the AWS managed rule groups and a rate limit"
  }
  assert {
    condition     = output.waf_acl_arn == module.waf[0].arn && module.waf[0].log_group_name == "aws-waf-logs-taskapp-test" && contains(output.account_names, "log-group:aws-waf-logs-taskapp-test")
    error_message = "the ACL ARN is handed on and it logs to an aws-waf-logs-* group"
  }
}
