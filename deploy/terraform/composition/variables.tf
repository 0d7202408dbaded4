variable "environment" {
  description = "Environment name: dev, staging or prod."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "aws_region" {
  description = "AWS region of the environment."
  type        = string
  default     = "eu-west-1"
}

variable "domain_name" {
  description = "Public host name of the web app and API in this env (e.g. dev.taskapp.example.com): certificate, DNS record, ingress host."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name."
  }
}

variable "dns_zone_name" {
  description = "Existing public Route 53 hosted zone that holds domain_name (e.g. taskapp.example.com): certificate validation and external-dns records go there."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.dns_zone_name))
    error_message = "dns_zone_name must be a lowercase DNS name (no trailing dot)."
  }
}

variable "enable_waf" {
  description = "Put a regional WAFv2 web ACL (AWS managed rules, rate limit) in front of the ALB."
  type        = bool
  default     = false
}

variable "enable_loki" {
  description = "Create Loki's bucket and IRSA role (the optional log store beside CloudWatch)."
  type        = bool
  default     = false
}

variable "edge_mode" {
  description = "How the web app is served: ingress (the nginx pods behind the ALB) or cloudfront (S3 + CloudFront + WAF, /api/* to the ALB)."
  type        = string
  default     = "ingress"

  validation {
    condition     = contains(["ingress", "cloudfront"], var.edge_mode)
    error_message = "edge_mode must be ingress or cloudfront."
  }
}

variable "azs" {
  description = "Availability zones (2 or 3) of the region."
  type        = list(string)
}

variable "vpc_cidr" {
  description = "CIDR of the VPC."
  type        = string
}

variable "single_nat_gateway" {
  description = "One shared NAT gateway (cheap) instead of one per AZ (available)."
  type        = bool
}

variable "enable_interface_endpoints" {
  description = "Interface endpoints for ECR, STS and CloudWatch Logs."
  type        = bool
  default     = true
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version."
  type        = string
  default     = "1.33"
}

variable "cluster_public_access_cidrs" {
  description = "Operator CIDRs allowed to reach the public EKS API endpoint; empty keeps it private (then reach it through SSM port forwarding, docs/deploy.md)."
  type        = list(string)
  default     = []
}

variable "cluster_admin_role_names" {
  description = "Further IAM roles in this account (with their path) that get cluster admin besides taskapp-<env>-platform-admin, e.g. a break-glass role."
  type        = list(string)
  default     = []
}

variable "node_instance_types" {
  description = "Instance types of the managed node group."
  type        = list(string)
}

variable "node_capacity_type" {
  description = "ON_DEMAND or SPOT."
  type        = string
}

variable "node_min_size" {
  description = "Minimum nodes."
  type        = number
}

variable "node_desired_size" {
  description = "Initial nodes."
  type        = number
}

variable "node_max_size" {
  description = "Maximum nodes."
  type        = number
}

variable "app_on_fargate" {
  description = "Run the taskapp-<env> namespace on Fargate instead of the node group."
  type        = bool
}

variable "log_retention_days" {
  description = "Retention of cluster, container and flow logs."
  type        = number
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
}

variable "db_allocated_storage_gib" {
  description = "Initial RDS storage."
  type        = number
  default     = 20
}

variable "db_multi_az" {
  description = "Multi-AZ RDS."
  type        = bool
}

variable "db_backup_retention_days" {
  description = "RDS automated backup retention."
  type        = number
  default     = 7
}

variable "db_deletion_protection" {
  description = "RDS deletion protection and final snapshot."
  type        = bool
}

variable "cache_node_type" {
  description = "ElastiCache node type."
  type        = string
}

variable "cache_num_nodes" {
  description = "ElastiCache nodes (more than one: failover + Multi-AZ)."
  type        = number
}

variable "backup_expiration_days" {
  description = "Days to keep objects in the backup bucket."
  type        = number
}

variable "budget_monthly_usd" {
  description = "Monthly cost budget of the environment."
  type        = number
}

variable "budget_emails" {
  description = "Budget alert recipients."
  type        = list(string)
}

variable "ci_role_name" {
  description = "The CI role of deploy/terraform/shared (GitHub Actions): with edge_mode = cloudfront it may upload this env's web app and invalidate its distribution."
  type        = string
  default     = "taskapp-github-actions"
}
