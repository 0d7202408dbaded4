variable "identifier" {
  description = "RDS instance identifier and name prefix, e.g. taskapp-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,52}$", var.identifier)) && !endswith(var.identifier, "-")
    error_message = "identifier must start with a letter and hold lowercase letters, digits and dashes."
  }
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Isolated database subnets (at least two AZs, required by RDS even for single-AZ)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids needs at least two subnets in different AZs."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on 5432 (the EKS cluster security group). Nothing else can reach the database."
  type        = list(string)

  validation {
    condition     = length(var.allowed_security_group_ids) > 0 && alltrue([for s in var.allowed_security_group_ids : startswith(s, "sg-")])
    error_message = "allowed_security_group_ids must list at least one security group ID (sg-...)."
  }
}

variable "engine_version" {
  description = "PostgreSQL version (major 15 or 16, optionally with minor, e.g. 16.8)."
  type        = string
  default     = "16.8"

  validation {
    condition     = can(regex("^1[56](\\.[0-9]+)?$", var.engine_version))
    error_message = "engine_version must be PostgreSQL 15 or 16 (e.g. 16 or 16.8)."
  }
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"

  validation {
    condition     = startswith(var.instance_class, "db.")
    error_message = "instance_class must be an RDS class such as db.t4g.medium."
  }
}

variable "allocated_storage_gib" {
  description = "Initial gp3 storage."
  type        = number
  default     = 20

  validation {
    condition     = var.allocated_storage_gib >= 20 && var.allocated_storage_gib <= 65536
    error_message = "allocated_storage_gib must be between 20 and 65536."
  }
}

variable "max_allocated_storage_gib" {
  description = "Ceiling for storage autoscaling (>= allocated_storage_gib)."
  type        = number
  default     = 100

  validation {
    condition     = var.max_allocated_storage_gib >= var.allocated_storage_gib
    error_message = "max_allocated_storage_gib must be >= allocated_storage_gib."
  }
}

variable "multi_az" {
  description = "Run a synchronous standby in a second AZ (on in production)."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window), 1-35."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35 && floor(var.backup_retention_days) == var.backup_retention_days
    error_message = "backup_retention_days must be a whole number from 1 to 35 (0 would disable backups)."
  }
}

variable "deletion_protection" {
  description = "Refuse deletion, and take a final snapshot when the instance is destroyed (production)."
  type        = bool
  default     = true
}

variable "database_name" {
  description = "Name of the application database."
  type        = string
  default     = "taskapp"
}

variable "master_username" {
  description = "Master user name (its password is generated and rotated by RDS in Secrets Manager)."
  type        = string
  default     = "taskapp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.master_username)) && !contains(["postgres", "admin", "rdsadmin"], var.master_username)
    error_message = "master_username must be a lowercase identifier and not a reserved name."
  }
}

variable "monitoring_interval" {
  description = "Enhanced monitoring interval in seconds (1, 5, 10, 15, 30 or 60)."
  type        = number
  default     = 60

  validation {
    condition     = contains([1, 5, 10, 15, 30, 60], var.monitoring_interval)
    error_message = "monitoring_interval must be 1, 5, 10, 15, 30 or 60."
  }
}

variable "performance_insights_retention_days" {
  description = "Performance Insights retention: 7 (free tier) or a multiple of 31 up to 731."
  type        = number
  default     = 7

  validation {
    condition     = var.performance_insights_retention_days == 7 || var.performance_insights_retention_days == 731 || (var.performance_insights_retention_days % 31 == 0 && var.performance_insights_retention_days <= 713)
    error_message = "performance_insights_retention_days must be 7, 731, or a multiple of 31 (up to 713)."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
