data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  aws_policy = "arn:${local.partition}:iam::aws:policy"
  log_groups = {
    cluster    = "/aws/eks/${var.cluster_name}/cluster"
    containers = "/aws/eks/${var.cluster_name}/containers"
  }
  oidc_issuer = aws_eks_cluster.this.identity[0].oidc[0].issuer
}

# --- One key for Kubernetes secrets (envelope encryption) and the cluster's log groups.
module "kms" {
  source          = "../kms"
  name            = var.cluster_name
  alias           = "${var.cluster_name}-eks"
  description     = "${var.cluster_name}: Kubernetes secrets and cluster log groups"
  log_group_names = ["/aws/eks/${var.cluster_name}/*"]
  tags            = var.tags
}

moved {
  from = aws_kms_key.this
  to   = module.kms.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.kms.aws_kms_alias.this[0]
}

# Created before the cluster so EKS writes control-plane logs into a group with our retention and key.
resource "aws_cloudwatch_log_group" "this" {
  for_each          = local.log_groups
  name              = each.value
  retention_in_days = var.log_retention_days
  kms_key_id        = module.kms.arn
  tags              = var.tags
}

# --- Control plane
module "cluster_role" {
  source               = "../service-role"
  name                 = "${var.cluster_name}-cluster"
  service              = "eks.amazonaws.com"
  assume_actions       = ["sts:AssumeRole", "sts:TagSession"]
  aws_managed_policies = ["AmazonEKSClusterPolicy", "AmazonEKSVPCResourceController"]
  inline_policies = {
    envelope-encryption = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]
        Resource = [module.kms.arn]
      }]
    })
  }
  tags = var.tags
}

moved {
  from = aws_iam_role.cluster
  to   = module.cluster_role.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.cluster
  to   = module.cluster_role.aws_iam_role_policy_attachment.managed
}

moved {
  from = aws_iam_role_policy.cluster_kms
  to   = module.cluster_role.aws_iam_role_policy.inline["envelope-encryption"]
}

resource "aws_eks_cluster" "this" {
  name                      = var.cluster_name
  version                   = var.kubernetes_version
  role_arn                  = module.cluster_role.arn
  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = length(var.public_access_cidrs) > 0
    public_access_cidrs     = length(var.public_access_cidrs) > 0 ? var.public_access_cidrs : null
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = module.kms.arn
    }
  }

  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = false
  }

  upgrade_policy {
    support_type = "STANDARD"
  }

  tags = var.tags

  depends_on = [
    aws_cloudwatch_log_group.this,
    module.cluster_role,
  ]
}

resource "aws_eks_access_entry" "admin" {
  for_each      = toset(var.admin_principal_arns)
  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.value
  type          = "STANDARD"
  tags          = var.tags
}

resource "aws_eks_access_policy_association" "admin" {
  for_each      = toset(var.admin_principal_arns)
  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.admin[each.value].principal_arn
  policy_arn    = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}

# --- IRSA: the cluster's OIDC identity provider. AWS trusts the EKS issuer's certificate
# authority itself, so no thumbprint needs pinning.
resource "aws_iam_openid_connect_provider" "this" {
  url            = local.oidc_issuer
  client_id_list = ["sts.amazonaws.com"]
  tags           = merge(var.tags, { Name = "${var.cluster_name}-irsa" })
}

# --- Managed node group
# The VPC CNI gets its permissions through IRSA (below), not from the node role.
module "node_role" {
  source               = "../service-role"
  name                 = "${var.cluster_name}-node"
  service              = "ec2.amazonaws.com"
  aws_managed_policies = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonSSMManagedInstanceCore"]
  tags                 = var.tags
}

moved {
  from = aws_iam_role.node
  to   = module.node_role.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.node
  to   = module.node_role.aws_iam_role_policy_attachment.managed
}

resource "aws_launch_template" "node" {
  name_prefix            = "${var.cluster_name}-node-"
  description            = "Node settings for ${var.cluster_name}: IMDSv2 only, encrypted gp3 root volume"
  update_default_version = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1 # pods cannot reach the node's credentials; they use IRSA
    instance_metadata_tags      = "disabled"
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = var.node_disk_size_gib
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.cluster_name}-node" })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(var.tags, { Name = "${var.cluster_name}-node" })
  }

  tags = var.tags
}

resource "aws_eks_node_group" "default" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${var.cluster_name}-default"
  node_role_arn   = module.node_role.arn
  subnet_ids      = var.subnet_ids
  version         = var.kubernetes_version
  ami_type        = "AL2023_x86_64_STANDARD"
  instance_types  = var.node_instance_types
  capacity_type   = var.node_capacity_type

  scaling_config {
    min_size     = var.node_min_size
    max_size     = var.node_max_size
    desired_size = var.node_desired_size
  }

  update_config {
    max_unavailable = 1
  }

  launch_template {
    id      = aws_launch_template.node.id
    version = aws_launch_template.node.latest_version
  }

  labels = {
    "taskapp.io/capacity-type" = lower(var.node_capacity_type)
  }

  # EKS tags the node group's Auto Scaling group with k8s.io/cluster-autoscaler/enabled and
  # k8s.io/cluster-autoscaler/<cluster>=owned, which cluster-autoscaler's auto-discovery uses.
  tags = var.tags

  lifecycle {
    ignore_changes = [scaling_config[0].desired_size] # owned by cluster-autoscaler after creation
  }

  depends_on = [module.node_role, aws_eks_addon.vpc_cni]
}

# --- Fargate profiles, one per selected namespace
module "fargate_role" {
  source  = "../service-role"
  count   = length(var.fargate_namespaces) > 0 ? 1 : 0
  name    = "${var.cluster_name}-fargate"
  service = "eks-fargate-pods.amazonaws.com"
  trust_conditions = {
    ArnLike = { "aws:SourceArn" = "arn:${local.partition}:eks:${local.region}:${local.account_id}:fargateprofile/${var.cluster_name}/*" }
  }
  aws_managed_policies = ["AmazonEKSFargatePodExecutionRolePolicy"]
  # Fargate's built-in log router ships to the same container log group.
  inline_policies = {
    fargate-log-router = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
        Resource = [aws_cloudwatch_log_group.this["containers"].arn, "${aws_cloudwatch_log_group.this["containers"].arn}:log-stream:*"]
      }]
    })
  }
  tags = var.tags
}

moved {
  from = aws_iam_role.fargate[0]
  to   = module.fargate_role[0].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.fargate[0]
  to   = module.fargate_role[0].aws_iam_role_policy_attachment.managed["AmazonEKSFargatePodExecutionRolePolicy"]
}

moved {
  from = aws_iam_role_policy.fargate_logs[0]
  to   = module.fargate_role[0].aws_iam_role_policy.inline["fargate-log-router"]
}

resource "aws_eks_fargate_profile" "this" {
  for_each               = toset(var.fargate_namespaces)
  cluster_name           = aws_eks_cluster.this.name
  fargate_profile_name   = each.value
  pod_execution_role_arn = module.fargate_role[0].arn
  subnet_ids             = var.subnet_ids

  selector {
    namespace = each.value
  }

  tags       = var.tags
  depends_on = [module.fargate_role]
}

# --- Add-ons (managed by EKS). vpc-cni and the EBS CSI driver use IRSA roles.
module "vpc_cni_role" {
  source              = "../irsa/modules/role"
  name                = "${var.cluster_name}-vpc-cni"
  oidc_provider_arn   = aws_iam_openid_connect_provider.this.arn
  oidc_issuer         = local.oidc_issuer
  service_accounts    = ["kube-system/aws-node"]
  managed_policy_arns = ["${local.aws_policy}/AmazonEKS_CNI_Policy"]
  tags                = var.tags
}

module "ebs_csi_role" {
  source              = "../irsa/modules/role"
  name                = "${var.cluster_name}-ebs-csi"
  oidc_provider_arn   = aws_iam_openid_connect_provider.this.arn
  oidc_issuer         = local.oidc_issuer
  service_accounts    = ["kube-system/ebs-csi-controller-sa"]
  managed_policy_arns = ["${local.aws_policy}/service-role/AmazonEBSCSIDriverPolicy"]
  tags                = var.tags
}

resource "aws_eks_addon" "vpc_cni" {
  cluster_name             = aws_eks_cluster.this.name
  addon_name               = "vpc-cni"
  addon_version            = lookup(var.addon_versions, "vpc-cni", null)
  service_account_role_arn = module.vpc_cni_role.role_arn
  # The NetworkPolicies of the charts are enforced only with the CNI's network policy agent
  # (on EC2 nodes; Fargate pods cannot enforce them: docs/deploy.md).
  configuration_values        = jsonencode({ enableNetworkPolicy = "true" })
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  tags                        = var.tags
}

resource "aws_eks_addon" "kube_proxy" {
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = "kube-proxy"
  addon_version               = lookup(var.addon_versions, "kube-proxy", null)
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  tags                        = var.tags
}

# CoreDNS and the EBS CSI controller need somewhere to run: after the nodes.
resource "aws_eks_addon" "coredns" {
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = "coredns"
  addon_version               = lookup(var.addon_versions, "coredns", null)
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  tags                        = var.tags
  depends_on                  = [aws_eks_node_group.default]
}

resource "aws_eks_addon" "ebs_csi" {
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = "aws-ebs-csi-driver"
  addon_version               = lookup(var.addon_versions, "aws-ebs-csi-driver", null)
  service_account_role_arn    = module.ebs_csi_role.role_arn
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  tags                        = var.tags
  depends_on                  = [aws_eks_node_group.default]
}
