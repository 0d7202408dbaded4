variable "name" {
  description = "Name of the environment's parts (taskapp-<env>): WAF ACL, log group and bucket names start with it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or dashes."
  }
}

variable "domain_name" {
  description = "Public host name of the web app and API (the certificate's name), e.g. dev.taskapp.example.com."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name."
  }
}

variable "zone_id" {
  description = "Route 53 hosted zone that holds domain_name (the validation record goes there)."
  type        = string
}

variable "enable_waf" {
  description = "Create the regional WAFv2 web ACL for the ALB (prod)."
  type        = bool
  default     = false
}

variable "waf_rate_limit" {
  description = "Requests per 5 minutes from one IP before the WAF blocks it."
  type        = number
  default     = 2000

  validation {
    condition     = var.waf_rate_limit >= 100
    error_message = "waf_rate_limit must be at least 100 (the WAFv2 minimum)."
  }
}

variable "log_retention_days" {
  description = "Retention of the WAF log group."
  type        = number
  default     = 365
}

variable "alb_logs_expiration_days" {
  description = "Days to keep ALB access logs."
  type        = number
  default     = 90

  validation {
    condition     = var.alb_logs_expiration_days >= 1
    error_message = "alb_logs_expiration_days must be at least 1."
  }
}

variable "force_destroy" {
  description = "Allow Terraform to delete the non-empty logs bucket."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
