# The staging composition planned with its own terraform.tfvars (loaded automatically): its shape.
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

run "staging_mirrors_prod_with_cheaper_parts" {
  command = plan

  assert {
    condition     = length(module.network.nat_public_ips) == 1 && length(module.network.private_subnet_ids) == 3
    error_message = "staging spans three AZs behind one NAT gateway"
  }
  assert {
    condition     = length(module.eks.fargate_namespaces) == 0 && module.eks.node_group_scaling.capacity_type == "SPOT"
    error_message = "staging runs the app on Spot nodes like prod's layout"
  }
  assert {
    condition     = module.database.multi_az && module.database.deletion_protection && module.cache.multi_az_enabled
    error_message = "staging exercises the same failover paths as prod"
  }
}
