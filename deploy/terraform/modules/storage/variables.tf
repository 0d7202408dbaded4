variable "name_prefix" {
  description = "Bucket name prefix, e.g. taskapp-dev. Names get the account ID appended for global uniqueness."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,30}$", var.name_prefix))
    error_message = "name_prefix must be 2-31 lowercase letters, digits or dashes."
  }
}

variable "backup_expiration_days" {
  description = "Days after which backups (and their old versions) are deleted."
  type        = number
  default     = 365

  validation {
    condition     = var.backup_expiration_days >= 1 && floor(var.backup_expiration_days) == var.backup_expiration_days
    error_message = "backup_expiration_days must be a whole number of at least 1."
  }
}

variable "backup_infrequent_access_after_days" {
  description = "Move backups to STANDARD_IA after this many days (only when they live at least 30 days longer)."
  type        = number
  default     = 30

  validation {
    condition     = var.backup_infrequent_access_after_days >= 30
    error_message = "S3 moves objects to STANDARD_IA no earlier than 30 days."
  }
}

variable "backup_glacier_after_days" {
  description = "Move backups to GLACIER_IR after this many days (only when they live at least 90 days longer)."
  type        = number
  default     = 90

  validation {
    condition     = var.backup_glacier_after_days > var.backup_infrequent_access_after_days
    error_message = "backup_glacier_after_days must come after backup_infrequent_access_after_days."
  }
}

variable "enable_loki" {
  description = "Also create the bucket for Loki's chunks (<name_prefix>-loki-<account>)."
  type        = bool
  default     = false
}

variable "force_destroy" {
  description = "Allow Terraform to delete non-empty buckets (never in production)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "assets_cors_origins" {
  description = "Origins of the web app (https://<domain>) allowed to upload to and read the assets bucket from a browser (attachments); empty: no CORS rule."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for o in var.assets_cors_origins : can(regex("^https://[a-z0-9.-]+(:[0-9]+)?$", o))])
    error_message = "assets_cors_origins must be https origins (scheme and host, no path, no wildcard)."
  }
}
