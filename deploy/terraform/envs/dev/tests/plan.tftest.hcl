# The dev composition planned with its own terraform.tfvars (loaded automatically): its shape.
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

run "dev_is_the_cheap_shape" {
  command = plan

  assert {
    condition     = length(module.network.nat_public_ips) == 1 && length(module.network.private_subnet_ids) == 2
    error_message = "dev spans two AZs behind one shared NAT gateway"
  }
  assert {
    condition     = module.eks.fargate_namespaces == tolist(["taskapp-dev"])
    error_message = "dev runs the app namespace on Fargate"
  }
  assert {
    condition     = module.database.multi_az == false && module.database.deletion_protection == false
    error_message = "dev: single-AZ database without deletion protection"
  }
  assert {
    condition     = module.cache.num_cache_clusters == 1 && module.cache.multi_az_enabled == false
    error_message = "dev: one Redis node"
  }
  assert {
    condition     = module.eks.node_group_scaling.capacity_type == "SPOT" && module.eks.node_group_scaling.max_size == 3
    error_message = "dev: small Spot node group"
  }
}
