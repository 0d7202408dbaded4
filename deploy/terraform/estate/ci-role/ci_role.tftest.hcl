# Plans for scripts/ci_role.py (make ci-role-test), not for `make tf-test`: the CI role of ../shared
# and what two envs with the web app on CloudFront grant it. The script derives every AWS call
# and OIDC subject of .github/workflows from the workflow files and the scripts they run, and
# checks these planned policies allow each call on exactly its resources, and nothing more.
# (terraform test -test-directory=ci-role -verbose -json prints each run's plan.)
mock_provider "aws" {
  override_during = plan
  source          = "../tests/mocks"
}

mock_provider "aws" {
  alias           = "us_east_1"
  override_during = plan
  source          = "../tests/mocks"
}

variables {
  azs                    = ["eu-west-1a", "eu-west-1b"]
  single_nat_gateway     = true
  node_instance_types    = ["t3.large"]
  node_capacity_type     = "ON_DEMAND"
  node_min_size          = 1
  node_desired_size      = 1
  node_max_size          = 2
  app_on_fargate         = true
  log_retention_days     = 30
  db_instance_class      = "db.t4g.micro"
  db_multi_az            = false
  db_deletion_protection = false
  cache_node_type        = "cache.t4g.micro"
  cache_num_nodes        = 1
  backup_expiration_days = 30
  budget_monthly_usd     = 100
  budget_emails          = ["platform-team@taskapp.example"]
  dns_zone_name          = "taskapp.example.com"
  edge_mode              = "cloudfront"
}

run "shared" {
  command = plan
  module {
    source = "../shared"
  }
  variables {
    github_repository = "taskapp/taskapp"
  }
}

run "dev" {
  command = plan
  module {
    source = "../envs/dev"
  }
  variables {
    environment = "dev"
    domain_name = "dev.taskapp.example.com"
    vpc_cidr    = "10.10.0.0/16"
  }
}

run "staging" {
  command = plan
  module {
    source = "../envs/staging"
  }
  variables {
    environment = "staging"
    domain_name = "staging.taskapp.example.com"
    vpc_cidr    = "10.20.0.0/16"
  }
}
