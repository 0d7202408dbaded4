variable "bucket" {
  description = "Name (ID) of the caller's aws_s3_bucket."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of that bucket (the TLS-only statement covers it and its objects)."
  type        = string

  validation {
    condition     = startswith(var.bucket_arn, "arn:")
    error_message = "bucket_arn must be an ARN."
  }
}

variable "kms_key_arn" {
  description = "KMS key for default encryption (with an S3 bucket key); null for SSE-S3 (AES256), which ELB access logs need."
  type        = string
  default     = null
}

variable "policy_statements" {
  description = "Bucket policy statements after DenyInsecureTransport (e.g. a service that may read or write), as objects jsonencode turns into IAM statements; each needs a unique Sid."
  type        = list(any)
  default     = []

  validation {
    condition     = alltrue([for s in var.policy_statements : can(s.Sid) && s.Sid != "DenyInsecureTransport"])
    error_message = "every statement needs its own Sid (DenyInsecureTransport is taken)."
  }
}

variable "lifecycle_rule" {
  description = "The one lifecycle rule: its id, storage class transitions of current objects, days to keep current objects (null: forever), days to keep noncurrent versions, days before an incomplete multipart upload is aborted."
  type = object({
    id              = string
    transitions     = optional(list(object({ days = number, storage_class = string })), [])
    expiration_days = optional(number)
    noncurrent_days = number
    abort_days      = number
  })

  validation {
    condition     = var.lifecycle_rule.noncurrent_days >= 1 && var.lifecycle_rule.abort_days >= 1 && (var.lifecycle_rule.expiration_days == null || coalesce(var.lifecycle_rule.expiration_days, 1) >= 1)
    error_message = "lifecycle_rule days must be at least 1."
  }
}
