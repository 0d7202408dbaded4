variable "cluster_name" {
  description = "EKS cluster name (taskapp-<env>); role names start with it."
  type        = string
}

variable "app_namespace" {
  description = "Namespace of the taskapp workloads (taskapp-<env>)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.app_namespace))
    error_message = "app_namespace must be a valid Kubernetes namespace name."
  }
}

variable "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider (modules/eks output)."
  type        = string
}

variable "oidc_issuer" {
  description = "Issuer URL of the cluster's OIDC provider (modules/eks output)."
  type        = string
}

variable "backup_bucket_arn" {
  description = "ARN of the backup bucket the backend writes to."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.backup_bucket_arn))
    error_message = "backup_bucket_arn must be an S3 bucket ARN (no object path)."
  }
}

variable "assets_bucket_arn" {
  description = "ARN of the assets bucket (user files) the backend reads and writes."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.assets_bucket_arn))
    error_message = "assets_bucket_arn must be an S3 bucket ARN (no object path)."
  }
}

variable "assets_kms_key_arn" {
  description = "KMS key that encrypts the assets bucket."
  type        = string
}

variable "route53_zone_arn" {
  description = "ARN of the hosted zone external-dns writes records to."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:route53:::hostedzone/[A-Z0-9]+$", var.route53_zone_arn))
    error_message = "route53_zone_arn must be a Route 53 hosted zone ARN."
  }
}

variable "enable_loki" {
  description = "Create the Loki role (monitoring/loki) for loki_bucket_arn."
  type        = bool
  default     = false
}

variable "loki_bucket_arn" {
  description = "ARN of Loki's chunk bucket (with enable_loki)."
  type        = string
  default     = null

  validation {
    condition     = var.loki_bucket_arn == null || can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", coalesce(var.loki_bucket_arn, "x")))
    error_message = "loki_bucket_arn must be an S3 bucket ARN (no object path)."
  }
}

variable "loki_kms_key_arn" {
  description = "KMS key of Loki's bucket (with enable_loki)."
  type        = string
  default     = null
}

variable "backup_kms_key_arn" {
  description = "KMS key that encrypts the backup bucket (the backend needs it to write SSE-KMS objects)."
  type        = string
}

variable "app_secrets_prefix" {
  description = "Secrets Manager name prefix external-secrets may read, e.g. taskapp/dev/ (must end with /)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9/_+=.@-]+/$", var.app_secrets_prefix)) && !strcontains(var.app_secrets_prefix, "*")
    error_message = "app_secrets_prefix must be a literal secret name prefix ending with / (no wildcards)."
  }
}

variable "extra_secret_arns" {
  description = "Further secrets external-secrets may read by exact ARN (e.g. the RDS-managed master secret)."
  type        = list(string)
  default     = []
}

variable "secrets_kms_key_arns" {
  description = "KMS keys that encrypt those secrets (decrypt is allowed only through Secrets Manager)."
  type        = list(string)
  default     = []
}

variable "container_log_group_arn" {
  description = "ARN of the container log group (/aws/eks/<cluster>/containers) aws-for-fluent-bit writes to."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:logs:[a-z0-9-]+:[0-9]{12}:log-group:[^*]+$", var.container_log_group_arn))
    error_message = "container_log_group_arn must be a CloudWatch Logs log group ARN without wildcards or a trailing :*."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
