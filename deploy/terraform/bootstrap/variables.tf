variable "aws_region" {
  description = "Region of the state bucket and lock table (the environments' backend.tf use the same)."
  type        = string
  default     = "eu-west-1"
}

variable "state_bucket_name" {
  description = "Name of the S3 bucket holding every environment's Terraform state (envs/*/backend.tf)."
  type        = string
  default     = "taskapp-terraform-state"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be a valid S3 bucket name."
  }
}

variable "lock_table_name" {
  description = "Name of the DynamoDB table used for state locking."
  type        = string
  default     = "taskapp-terraform-locks"
}

variable "noncurrent_state_retention_days" {
  description = "Days to keep old versions of state files (undo for a bad apply)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_state_retention_days >= 1
    error_message = "noncurrent_state_retention_days must be at least 1."
  }
}
