variable "cluster_name" {
  description = "EKS cluster name (taskapp-<env>)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must start with a letter and hold only letters, digits and dashes (max 100)."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane and nodes."
  type        = string
  default     = "1.33"

  validation {
    condition     = can(regex("^1\\.(2[89]|3[0-9])$", var.kubernetes_version))
    error_message = "kubernetes_version must be a minor version such as 1.33 (1.28 or later)."
  }
}

variable "vpc_id" {
  description = "VPC of the cluster."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the control plane ENIs, nodes and Fargate pods (at least two AZs)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids needs at least two subnets in different AZs."
  }
}

variable "public_access_cidrs" {
  description = "CIDRs allowed to reach the public API endpoint. Empty: the endpoint is private only (reach it through the VPC)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.public_access_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "public_access_cidrs must be valid CIDRs and never 0.0.0.0/0."
  }
}

variable "admin_principal_arns" {
  description = "IAM roles/users granted cluster admin through EKS access entries."
  type        = list(string)

  validation {
    condition     = length(var.admin_principal_arns) > 0 && alltrue([for a in var.admin_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+", a))])
    error_message = "admin_principal_arns must list at least one IAM role or user ARN."
  }
}

variable "node_instance_types" {
  description = "Instance types of the managed node group (several types help Spot capacity)."
  type        = list(string)
  default     = ["t3.large"]

  validation {
    condition     = length(var.node_instance_types) > 0
    error_message = "node_instance_types must list at least one instance type."
  }
}

variable "node_capacity_type" {
  description = "ON_DEMAND or SPOT for the managed node group."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "SPOT"], var.node_capacity_type)
    error_message = "node_capacity_type must be ON_DEMAND or SPOT."
  }
}

variable "node_min_size" {
  description = "Minimum number of nodes."
  type        = number
  default     = 2

  validation {
    condition     = var.node_min_size >= 1
    error_message = "node_min_size must be at least 1 (cluster add-ons such as CoreDNS need nodes)."
  }
}

variable "node_max_size" {
  description = "Maximum number of nodes (cluster-autoscaler's ceiling)."
  type        = number
  default     = 4

  validation {
    condition     = var.node_max_size >= var.node_min_size
    error_message = "node_max_size must be >= node_min_size."
  }
}

variable "node_desired_size" {
  description = "Initial number of nodes (cluster-autoscaler manages it afterwards)."
  type        = number
  default     = 2

  validation {
    condition     = var.node_desired_size >= var.node_min_size && var.node_desired_size <= var.node_max_size
    error_message = "node_desired_size must lie between node_min_size and node_max_size."
  }
}

variable "node_disk_size_gib" {
  description = "Root volume size of each node (gp3, encrypted)."
  type        = number
  default     = 50

  validation {
    condition     = var.node_disk_size_gib >= 20 && var.node_disk_size_gib <= 1000
    error_message = "node_disk_size_gib must be between 20 and 1000."
  }
}

variable "fargate_namespaces" {
  description = "Namespaces whose pods run on Fargate (e.g. the app namespace in dev). Empty: everything runs on the node group."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for n in var.fargate_namespaces : can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", n)) && !contains(["kube-system", "monitoring"], n)])
    error_message = "fargate_namespaces must be namespace names; kube-system and monitoring stay on nodes (DaemonSets, EBS volumes)."
  }
}

variable "log_retention_days" {
  description = "Retention of the control-plane and container log groups."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (e.g. 30, 90, 365)."
  }
}

variable "addon_versions" {
  description = "Pinned add-on versions by name (vpc-cni, coredns, kube-proxy, aws-ebs-csi-driver); a missing entry takes EKS's default for the cluster version."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.addon_versions) : contains(["vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver"], k)])
    error_message = "addon_versions keys must be vpc-cni, coredns, kube-proxy or aws-ebs-csi-driver."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
