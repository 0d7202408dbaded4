variable "name" {
  description = "Name prefix for every resource, e.g. taskapp-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3-31 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "cidr" {
  description = "IPv4 CIDR of the VPC (a /16 to /20). Private app subnets take a quarter each, public and database subnets /22-equivalents of the last quarter."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr, 0)) && can(regex("^[0-9.]+/(1[6-9]|20)$", var.cidr)) && try(cidrhost(var.cidr, 0) == split("/", var.cidr)[0], false)
    error_message = "cidr must be a valid IPv4 network address with a prefix between /16 and /20 (e.g. 10.0.0.0/16)."
  }
}

variable "azs" {
  description = "Availability zones to spread the subnets over (2 or 3, all in the provider's region)."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2 && length(var.azs) <= 3 && length(distinct(var.azs)) == length(var.azs)
    error_message = "azs must list 2 or 3 distinct availability zones."
  }

  validation {
    condition     = alltrue([for az in var.azs : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9][a-z]$", az))])
    error_message = "every entry of azs must be an availability zone name such as eu-west-1a."
  }
}

variable "single_nat_gateway" {
  description = "true: one NAT gateway shared by every private subnet (cheaper, one AZ failure cuts egress). false: one NAT gateway per AZ (highly available)."
  type        = bool
  default     = false
}

variable "cluster_name" {
  description = "EKS cluster that runs in this VPC: its subnets get the kubernetes.io/cluster/<name> tag."
  type        = string
}

variable "enable_interface_endpoints" {
  description = "Create interface endpoints for ECR (api, dkr), STS and CloudWatch Logs so image pulls, IRSA and logs stay off the NAT gateways. About 7.3 USD per endpoint per AZ per month: worth it once NAT data charges exceed that."
  type        = bool
  default     = true
}

variable "flow_log_retention_days" {
  description = "Days to keep VPC flow logs in CloudWatch Logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
