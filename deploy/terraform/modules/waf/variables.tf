variable "name" {
  description = "Name (and metric name) of the web ACL; its log group is aws-waf-logs-<name>."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,115}$", var.name))
    error_message = "name must be 1-115 letters, digits, _ or - (a WAF name, and a log group name within 128 characters)."
  }
}

variable "description" {
  description = "What the ACL protects (shown in the WAF console)."
  type        = string
}

variable "scope" {
  description = "REGIONAL (an ALB) or CLOUDFRONT (a distribution; the caller's aws provider must be us-east-1)."
  type        = string

  validation {
    condition     = contains(["REGIONAL", "CLOUDFRONT"], var.scope)
    error_message = "scope must be REGIONAL or CLOUDFRONT."
  }
}

variable "managed_rule_groups" {
  description = "AWS managed rule groups evaluated after AWSManagedRulesKnownBadInputsRuleSet (always on), in this order."
  type        = list(string)
  default     = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesAmazonIpReputationList"]

  validation {
    condition     = length(distinct(var.managed_rule_groups)) == length(var.managed_rule_groups) && !contains(var.managed_rule_groups, "AWSManagedRulesKnownBadInputsRuleSet")
    error_message = "managed_rule_groups must not repeat a group nor list AWSManagedRulesKnownBadInputsRuleSet (always included)."
  }
}

variable "rate_limit" {
  description = "Requests per 5 minutes from one IP before the WAF blocks it."
  type        = number
  default     = 2000

  validation {
    condition     = var.rate_limit >= 100
    error_message = "rate_limit must be at least 100 (the WAFv2 minimum)."
  }
}

variable "log_retention_days" {
  description = "Retention of the WAF log group."
  type        = number
  default     = 365
}

variable "log_kms_key_arn" {
  description = "KMS key ARN that encrypts the log group (its policy must let the logs service use it for aws-waf-logs-<name>); null for the service's own encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
