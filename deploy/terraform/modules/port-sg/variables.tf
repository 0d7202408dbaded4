variable "name" {
  description = "Name and Name tag of the security group (e.g. taskapp-dev-postgres)."
  type        = string

  validation {
    condition     = length(var.name) > 0
    error_message = "name must not be empty."
  }
}

variable "description" {
  description = "Description of the security group (who may connect, e.g. PostgreSQL from the EKS cluster only)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the security group."
  type        = string
}

variable "service" {
  description = "What listens on the port, for the rule descriptions (<service> from <security group>), e.g. PostgreSQL."
  type        = string
}

variable "port" {
  description = "The one TCP port admitted."
  type        = number

  validation {
    condition     = var.port >= 1 && var.port <= 65535 && floor(var.port) == var.port
    error_message = "port must be a TCP port (1-65535)."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on the port; nothing else can."
  type        = list(string)

  validation {
    condition     = length(var.allowed_security_group_ids) > 0 && alltrue([for s in var.allowed_security_group_ids : startswith(s, "sg-")])
    error_message = "allowed_security_group_ids must list at least one security group ID (sg-...)."
  }
}

variable "tags" {
  description = "Tags added to the security group."
  type        = map(string)
  default     = {}
}
