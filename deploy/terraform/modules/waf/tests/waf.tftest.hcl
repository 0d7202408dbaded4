mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  name        = "taskapp-test"
  description = "test ACL"
  scope       = "REGIONAL"
}

run "known_bad_inputs_first_then_the_managed_groups_then_a_per_ip_rate_limit" {
  command = plan

  variables {
    managed_rule_groups = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet"]
    rate_limit          = 500
  }

  assert {
    condition     = output.rule_names == ["AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet", "rate-limit-per-ip"]
    error_message = "Log4JRCE protection always, the caller's groups in order, the rate limit last"
  }
  assert {
    condition     = one([for r in aws_wafv2_web_acl.this.rule : one(one(r.statement).rate_based_statement).limit if r.name == "rate-limit-per-ip"]) == 500 && alltrue([for r in aws_wafv2_web_acl.this.rule : length(r.action) == 1 && length(r.override_action) == 0 if r.name == "rate-limit-per-ip"])
    error_message = "the rate rule blocks one IP above rate_limit requests per 5 minutes"
  }
  assert {
    condition     = alltrue([for r in aws_wafv2_web_acl.this.rule : length(r.override_action) == 1 if r.name != "rate-limit-per-ip"]) && length(aws_wafv2_web_acl.this.default_action[0].allow) == 1
    error_message = "managed groups keep their own actions (override none); anything else is allowed"
  }
}

run "it_logs_to_an_aws_waf_logs_group_with_credentials_redacted" {
  command = plan

  variables {
    log_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/test"
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "aws-waf-logs-taskapp-test" && aws_cloudwatch_log_group.this.kms_key_id == "arn:aws:kms:eu-west-1:123456789012:key/test" && aws_cloudwatch_log_group.this.retention_in_days == 365
    error_message = "WAF logs go to aws-waf-logs-<name>, encrypted with the caller's key, kept a year"
  }
  assert {
    condition     = aws_wafv2_web_acl_logging_configuration.this.resource_arn == aws_wafv2_web_acl.this.arn && aws_wafv2_web_acl_logging_configuration.this.log_destination_configs == toset([aws_cloudwatch_log_group.this.arn])
    error_message = "the ACL logs to that group"
  }
  assert {
    condition     = toset([for f in aws_wafv2_web_acl_logging_configuration.this.redacted_fields : one(f.single_header).name]) == toset(["authorization", "cookie"])
    error_message = "the authorization and cookie headers are redacted from the logs"
  }
}

run "a_cloudfront_scope_acl" {
  command = plan

  variables {
    scope = "CLOUDFRONT"
  }

  assert {
    condition     = aws_wafv2_web_acl.this.scope == "CLOUDFRONT" && output.rule_names == ["AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesAmazonIpReputationList", "rate-limit-per-ip"] && aws_cloudwatch_log_group.this.kms_key_id == null
    error_message = "CLOUDFRONT scope with the default groups; no key unless one is passed"
  }
}

run "a_bad_scope_a_repeated_group_or_a_low_rate_limit_is_refused" {
  command = plan

  variables {
    scope               = "GLOBAL"
    managed_rule_groups = ["AWSManagedRulesKnownBadInputsRuleSet"]
    rate_limit          = 10
  }

  expect_failures = [var.scope, var.managed_rule_groups, var.rate_limit]
}
