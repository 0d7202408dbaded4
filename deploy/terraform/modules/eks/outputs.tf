output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "URL of the Kubernetes API server."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA certificate of the API server (for kubeconfig / Argo CD cluster secrets)."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "cluster_security_group_id" {
  description = "Security group EKS attaches to the control plane, managed nodes and Fargate pods: the source the database and cache accept."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "oidc_provider_arn" {
  description = "ARN of the IAM OIDC provider for IRSA."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "oidc_issuer" {
  description = "OIDC issuer URL of the cluster."
  value       = local.oidc_issuer
}

output "node_role_arn" {
  description = "IAM role of the managed nodes."
  value       = module.node_role.arn
}

output "fargate_pod_execution_role_arn" {
  description = "Pod execution role of the Fargate profiles (null when none)."
  value       = one(module.fargate_role[*].arn)
}

output "container_log_group_name" {
  description = "Log group for container logs (aws-for-fluent-bit and the Fargate log router)."
  value       = aws_cloudwatch_log_group.this["containers"].name
}

output "container_log_group_arn" {
  description = "ARN of the container log group."
  value       = aws_cloudwatch_log_group.this["containers"].arn
}

output "kms_key_arn" {
  description = "KMS key encrypting Kubernetes secrets and the cluster log groups."
  value       = module.kms.arn
}

output "fargate_namespaces" {
  description = "Namespaces that run on Fargate."
  value       = sort([for p in aws_eks_fargate_profile.this : one(p.selector).namespace])
}

output "node_group_scaling" {
  description = "Capacity type, instance types and min/desired/max of the managed node group."
  value = {
    capacity_type  = aws_eks_node_group.default.capacity_type
    instance_types = aws_eks_node_group.default.instance_types
    min_size       = aws_eks_node_group.default.scaling_config[0].min_size
    desired_size   = aws_eks_node_group.default.scaling_config[0].desired_size
    max_size       = aws_eks_node_group.default.scaling_config[0].max_size
  }
}

output "account_names" {
  description = "Names this module claims in the AWS account or globally, as kind:name (the estate test fails when two configurations claim one)."
  value       = concat(["eks-cluster:${aws_eks_cluster.this.name}", "iam-role:${module.cluster_role.name}", "iam-role:${module.node_role.name}", "iam-role:${module.vpc_cni_role.role_name}", "iam-role:${module.ebs_csi_role.role_name}", "kms-alias:alias/${var.cluster_name}-eks"], [for r in module.fargate_role : "iam-role:${r.name}"], [for g in aws_cloudwatch_log_group.this : "log-group:${g.name}"])
}

output "node_role_policy_arns" {
  description = "Managed policies of the node role (image pulls come from AmazonEC2ContainerRegistryReadOnly)."
  value       = module.node_role.managed_policy_arns
}

output "fargate_pod_execution_role_policy_arns" {
  description = "Managed policies of the Fargate pod execution role (image pulls come from AmazonEKSFargatePodExecutionRolePolicy); empty without Fargate."
  value       = flatten(module.fargate_role[*].managed_policy_arns)
}

output "vpc_cni_configuration" {
  description = "Configuration values of the vpc-cni add-on (enableNetworkPolicy)."
  value       = jsondecode(aws_eks_addon.vpc_cni.configuration_values)
}

output "admin_principal_arns" {
  description = "Principals with a cluster-admin access entry."
  value       = sort([for e in aws_eks_access_entry.admin : e.principal_arn])
}
