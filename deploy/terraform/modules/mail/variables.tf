variable "name" {
  description = "Name prefix of the SMTP user, the configuration set and the key, e.g. taskapp-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,39}$", var.name))
    error_message = "name must start with a letter: lowercase letters, digits, dashes, at most 40 characters."
  }
}

variable "domain_name" {
  description = "The domain mail is sent from (the env's public host name, e.g. dev.taskapp.example.com)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name."
  }
}

variable "zone_id" {
  description = "Route 53 public hosted zone that holds domain_name (DKIM, MAIL FROM and DMARC records go there)."
  type        = string
}

variable "from_local_part" {
  description = "The sender's local part: mail goes out as <from_local_part>@<domain_name>."
  type        = string
  default     = "no-reply"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._+-]{0,63}$", var.from_local_part))
    error_message = "from_local_part must be a plain lowercase local part."
  }
}

variable "dmarc_policy" {
  description = "DMARC policy published at _dmarc.<domain_name> (none | quarantine | reject); null publishes none (the zone may hold one already)."
  type        = string
  default     = "quarantine"

  validation {
    condition     = var.dmarc_policy == null || contains(["none", "quarantine", "reject"], coalesce(var.dmarc_policy, "none"))
    error_message = "dmarc_policy must be none, quarantine, reject or null."
  }
}

variable "smtp_secret_name" {
  description = "Secrets Manager name for the SMTP credentials, e.g. taskapp/dev/smtp."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the SMTP secret: the env's app-secrets key, which External Secrets may already decrypt."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
