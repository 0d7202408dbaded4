variable "name" {
  description = "Budget name, e.g. taskapp-dev-monthly."
  type        = string
}

variable "monthly_limit_usd" {
  description = "Monthly cost budget in USD."
  type        = number

  validation {
    condition     = var.monthly_limit_usd > 0
    error_message = "monthly_limit_usd must be positive."
  }
}

variable "subscriber_emails" {
  description = "Who gets the alerts (80% actual, 100% actual, 100% forecast)."
  type        = list(string)

  validation {
    condition     = length(var.subscriber_emails) > 0 && length(var.subscriber_emails) <= 10 && alltrue([for e in var.subscriber_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "subscriber_emails must list 1-10 email addresses."
  }
}

variable "cost_filter_tags" {
  description = "Only count costs carrying these cost allocation tags (e.g. {Environment = \"dev\"}); empty: the whole account."
  type        = map(string)
  default     = {}
}
