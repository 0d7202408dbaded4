mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  cluster_name         = "taskapp-test"
  vpc_id               = "vpc-0123456789abcdef0"
  subnet_ids           = ["subnet-a", "subnet-b", "subnet-c"]
  admin_principal_arns = ["arn:aws:iam::123456789012:role/platform-admins"]
}

run "private_endpoint_encrypted_secrets_and_all_logs" {
  command = plan

  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].endpoint_private_access && !aws_eks_cluster.this.vpc_config[0].endpoint_public_access
    error_message = "without public_access_cidrs the API endpoint must be private only"
  }
  assert {
    condition     = aws_eks_cluster.this.encryption_config[0].resources == toset(["secrets"]) && aws_eks_cluster.this.encryption_config[0].provider[0].key_arn == module.kms.arn
    error_message = "Kubernetes secrets must be envelope-encrypted with the module's KMS key"
  }
  assert {
    condition     = toset(aws_eks_cluster.this.enabled_cluster_log_types) == toset(["api", "audit", "authenticator", "controllerManager", "scheduler"])
    error_message = "all control-plane log types must be on"
  }
  assert {
    condition     = aws_eks_cluster.this.version == "1.33"
    error_message = "default Kubernetes version should be 1.33"
  }
  assert {
    condition     = aws_cloudwatch_log_group.this["containers"].name == "/aws/eks/taskapp-test/containers" && aws_cloudwatch_log_group.this["cluster"].name == "/aws/eks/taskapp-test/cluster"
    error_message = "log groups must follow /aws/eks/<cluster>/{cluster,containers}"
  }
  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.this : g.kms_key_id == module.kms.arn && g.retention_in_days == 365])
    error_message = "log groups must be encrypted and kept for the configured retention"
  }
}

run "public_endpoint_only_for_listed_cidrs" {
  command = plan
  variables {
    public_access_cidrs = ["203.0.113.0/24"]
  }

  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].endpoint_public_access && aws_eks_cluster.this.vpc_config[0].endpoint_private_access
    error_message = "listing CIDRs turns the public endpoint on, next to the private one"
  }
  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].public_access_cidrs == toset(["203.0.113.0/24"])
    error_message = "the public endpoint must be restricted to the listed CIDRs"
  }
}

run "rejects_an_open_public_endpoint" {
  command = plan
  variables {
    public_access_cidrs = ["0.0.0.0/0"]
  }
  expect_failures = [var.public_access_cidrs]
}

run "admins_get_access_entries_and_no_implicit_creator_admin" {
  command = plan

  assert {
    condition     = aws_eks_cluster.this.access_config[0].authentication_mode == "API" && aws_eks_cluster.this.access_config[0].bootstrap_cluster_creator_admin_permissions == false
    error_message = "access must come from access entries only"
  }
  assert {
    condition     = aws_eks_access_policy_association.admin["arn:aws:iam::123456789012:role/platform-admins"].policy_arn == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    error_message = "admins must be associated with AmazonEKSClusterAdminPolicy"
  }
}

run "node_group_sizing_and_hardening" {
  command = plan
  variables {
    node_instance_types = ["m6i.large", "m5.large"]
    node_capacity_type  = "SPOT"
    node_min_size       = 1
    node_desired_size   = 2
    node_max_size       = 5
  }

  assert {
    condition     = aws_eks_node_group.default.scaling_config[0].min_size == 1 && aws_eks_node_group.default.scaling_config[0].desired_size == 2 && aws_eks_node_group.default.scaling_config[0].max_size == 5
    error_message = "node group sizes must follow the variables"
  }
  assert {
    condition     = aws_eks_node_group.default.capacity_type == "SPOT" && aws_eks_node_group.default.instance_types == tolist(["m6i.large", "m5.large"])
    error_message = "capacity type and instance types must follow the variables"
  }
  assert {
    condition     = aws_launch_template.node.metadata_options[0].http_tokens == "required" && aws_launch_template.node.metadata_options[0].http_put_response_hop_limit == 1
    error_message = "nodes must require IMDSv2 and keep pods away from the instance credentials"
  }
  assert {
    condition     = aws_launch_template.node.block_device_mappings[0].ebs[0].encrypted == "true"
    error_message = "node root volumes must be encrypted"
  }
}

run "rejects_desired_outside_min_max" {
  command = plan
  variables {
    node_min_size     = 2
    node_desired_size = 1
    node_max_size     = 3
  }
  expect_failures = [var.node_desired_size]
}

run "no_fargate_by_default" {
  command = plan

  assert {
    condition     = length(aws_eks_fargate_profile.this) == 0 && length(module.fargate_role) == 0
    error_message = "no Fargate profile unless namespaces are selected"
  }
}

run "fargate_profile_for_the_app_namespace" {
  command = plan
  variables {
    fargate_namespaces = ["taskapp-test"]
  }

  assert {
    condition     = [for s in aws_eks_fargate_profile.this["taskapp-test"].selector : s.namespace] == ["taskapp-test"] && aws_eks_fargate_profile.this["taskapp-test"].subnet_ids == toset(var.subnet_ids)
    error_message = "the app namespace must get a Fargate profile in the private subnets"
  }
  assert {
    condition     = jsondecode(module.fargate_role[0].trust_policy).Statement[0].Principal.Service == "eks-fargate-pods.amazonaws.com"
    error_message = "the pod execution role must trust Fargate"
  }
  assert {
    condition     = toset(jsondecode(module.fargate_role[0].inline_policies["fargate-log-router"]).Statement[0].Action) == toset(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]) && contains(jsondecode(module.fargate_role[0].inline_policies["fargate-log-router"]).Statement[0].Resource, aws_cloudwatch_log_group.this["containers"].arn)
    error_message = "Fargate's log router (aws-observability) must be able to ship into the container log group"
  }
}

run "rejects_fargate_for_kube_system" {
  command = plan
  variables {
    fargate_namespaces = ["kube-system"]
  }
  expect_failures = [var.fargate_namespaces]
}

run "irsa_provider_and_addons" {
  command = plan

  assert {
    condition     = aws_iam_openid_connect_provider.this.url == "https://oidc.eks.eu-west-1.amazonaws.com/id/MOCK" && aws_iam_openid_connect_provider.this.client_id_list == toset(["sts.amazonaws.com"])
    error_message = "the OIDC provider must use the cluster issuer and the STS audience"
  }
  assert {
    condition     = toset([aws_eks_addon.vpc_cni.addon_name, aws_eks_addon.coredns.addon_name, aws_eks_addon.kube_proxy.addon_name, aws_eks_addon.ebs_csi.addon_name]) == toset(["vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver"])
    error_message = "expected the four managed add-ons"
  }
  assert {
    condition     = jsondecode(module.ebs_csi_role.trust_policy).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/MOCK:sub"] == ["system:serviceaccount:kube-system:ebs-csi-controller-sa"]
    error_message = "the EBS CSI role must trust only its controller's service account"
  }
  assert {
    condition     = !contains(module.node_role.managed_policy_arns, "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy")
    error_message = "the CNI policy belongs to the vpc-cni IRSA role, not the node role"
  }
  assert {
    condition     = output.vpc_cni_configuration.enableNetworkPolicy == "true"
    error_message = "the vpc-cni add-on must run its network policy agent, or the charts' NetworkPolicies are not enforced"
  }
  assert {
    condition     = aws_eks_addon.ebs_csi.service_account_role_arn == module.ebs_csi_role.role_arn
    error_message = "the EBS CSI driver (gp3 volumes) needs its IRSA role"
  }
}

run "rejects_an_old_kubernetes_version" {
  command = plan
  variables {
    kubernetes_version = "1.21"
  }
  expect_failures = [var.kubernetes_version]
}
