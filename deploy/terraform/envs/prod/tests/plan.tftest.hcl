# The prod composition planned with its own terraform.tfvars (loaded automatically): its shape.
# The names and GitOps facts every env shares are checked by names_and_facts.tftest.hcl (a link).
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

mock_provider "aws" {
  alias           = "us_east_1"
  override_during = plan
  source          = "../../tests/mocks"
}

run "prod_is_highly_available_and_protected" {
  command = plan

  assert {
    condition     = length(module.network.nat_public_ips) == 3 && length(module.network.private_subnet_ids) == 3
    error_message = "prod spans three AZs with a NAT gateway in each"
  }
  assert {
    condition     = length(module.eks.fargate_namespaces) == 0
    error_message = "prod runs the app on the managed node group"
  }
  assert {
    condition     = module.database.multi_az && module.database.deletion_protection
    error_message = "prod: Multi-AZ database with deletion protection"
  }
  assert {
    condition     = module.cache.num_cache_clusters >= 2 && module.cache.multi_az_enabled
    error_message = "prod: Redis with a replica and Multi-AZ failover"
  }
  assert {
    condition     = module.eks.node_group_scaling.capacity_type == "ON_DEMAND" && module.eks.node_group_scaling.min_size >= 3
    error_message = "prod: on-demand nodes, at least one per AZ"
  }
}
