variable "name" {
  description = "Name of the environment's parts (taskapp-<env>)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or dashes."
  }
}

variable "domain_name" {
  description = "Public host name CloudFront serves (the env's domain): certificate (us-east-1), alias records."
  type        = string
}

variable "zone_id" {
  description = "Route 53 hosted zone of domain_name (certificate validation, A/AAAA aliases to CloudFront)."
  type        = string
}

variable "api_origin_domain" {
  description = "Host name the ALB answers on for /api/* (HTTPS), e.g. origin.<domain_name>: the ingress host in cloudfront mode."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.api_origin_domain))
    error_message = "api_origin_domain must be a DNS name (no scheme, no path)."
  }
}

variable "price_class" {
  description = "CloudFront price class (PriceClass_100: North America and Europe edges only)."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
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

variable "force_destroy" {
  description = "Allow Terraform to delete the non-empty web bucket."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "publisher_role_name" {
  description = "IAM role that publishes the web app (the CI role, deploy/terraform/shared): gets s3:PutObject on this bucket's objects (and the bucket key's data keys) and cloudfront:CreateInvalidation on this distribution, nothing else; null grants nothing."
  type        = string
  default     = null

  validation {
    condition     = var.publisher_role_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.publisher_role_name))
    error_message = "publisher_role_name must be an IAM role name (no path, no wildcard)."
  }
}
