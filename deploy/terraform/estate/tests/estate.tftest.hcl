# The account model of docs/adr/0008-aws-account-model.md, planned as a whole: shared (registry,
# CI role), dev, staging and prod in one account must not claim the same name (IAM role, bucket,
# repository, secret, log group, ...), and every env must pull its images from what shared creates
# and CI pushes to. Names depend only on `environment`; every optional part is switched on so that
# each name an env can create is in the plan. Sizing comes from a common shape (the envs' own
# plan tests use their real terraform.tfvars).
mock_provider "aws" {
  override_during = plan
  source          = "../tests/mocks"
}

mock_provider "aws" {
  alias           = "us_east_1"
  override_during = plan
  source          = "../tests/mocks"
}

# The same mocks, but computed values stay unknown during plan, as in the first real plan of an
# empty account (ARNs, IDs, endpoints). A for_each keyed by such a value fails only there.
mock_provider "aws" {
  alias  = "first_plan"
  source = "../tests/mocks"
}

variables {
  azs                      = ["eu-west-1a", "eu-west-1b"]
  single_nat_gateway       = true
  cluster_admin_role_names = ["taskapp-platform-admin"]
  node_instance_types      = ["t3.large"]
  node_capacity_type       = "ON_DEMAND"
  node_min_size            = 1
  node_desired_size        = 1
  node_max_size            = 2
  app_on_fargate           = true
  log_retention_days       = 30
  db_instance_class        = "db.t4g.micro"
  db_multi_az              = false
  db_deletion_protection   = false
  cache_node_type          = "cache.t4g.micro"
  cache_num_nodes          = 1
  backup_expiration_days   = 30
  budget_monthly_usd       = 100
  budget_emails            = ["platform-team@taskapp.example"]
  dns_zone_name            = "taskapp.example.com"
  enable_waf               = true
  enable_loki              = true
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
    edge_mode   = "cloudfront"
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
    edge_mode   = "cloudfront"
    domain_name = "staging.taskapp.example.com"
    vpc_cidr    = "10.20.0.0/16"
  }
}

run "prod" {
  command = plan
  module {
    source = "../envs/prod"
  }
  variables {
    environment = "prod"
    edge_mode   = "cloudfront"
    domain_name = "prod.taskapp.example.com"
    vpc_cidr    = "10.30.0.0/16"
  }
}

run "no_two_configurations_claim_one_name" {
  command = plan

  assert {
    condition     = length(flatten([run.shared.account_names, run.dev.account_names, run.staging.account_names, run.prod.account_names])) == length(distinct(flatten([run.shared.account_names, run.dev.account_names, run.staging.account_names, run.prod.account_names])))
    error_message = "names claimed twice in the one account: ${join(", ", [for n, c in { for n in flatten([run.shared.account_names, run.dev.account_names, run.staging.account_names, run.prod.account_names]) : n => n... } : n if length(c) > 1])}"
  }
}

run "every_env_pulls_what_ci_pushes" {
  command = plan

  assert {
    condition = alltrue([for e in [run.dev.image_pull, run.staging.image_pull, run.prod.image_pull] :
      e.registry == run.shared.ecr_registry && length(setsubtract(e.repositories, keys(run.shared.ecr_repository_urls))) == 0
    ])
    error_message = "an env pulls from a registry or repository that ../shared does not create (CI pushes there)"
  }
  assert {
    condition = alltrue([for e in [run.dev.image_pull, run.staging.image_pull, run.prod.image_pull] :
      contains(e.node_role_policies, "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly") &&
      (length(e.fargate_role_policies) == 0 || contains(e.fargate_role_policies, "arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy"))
    ])
    error_message = "the nodes (AmazonEC2ContainerRegistryReadOnly) and Fargate pods (AmazonEKSFargatePodExecutionRolePolicy) must be able to pull from the account's registry"
  }
  assert {
    condition     = toset([for r in keys(run.shared.ecr_repository_urls) : r if startswith(r, "charts/")]) == toset([for f in fileset("../../helm", "*/Chart.yaml") : "charts/${dirname(f)}"])
    error_message = "every chart in deploy/helm needs its charts/<chart> OCI repository (release.yml pushes there), and no other"
  }
}

run "with_every_part_on_no_fact_is_empty" {
  command = plan

  assert {
    condition     = alltrue([for e in [run.dev, run.staging, run.prod] : alltrue([for k, v in e.gitops_bridge.annotations : v != ""])])
    error_message = "with WAF, Loki and the CloudFront edge on, every fact of the GitOps Bridge must be filled: ${jsonencode([for e in [run.dev, run.staging, run.prod] : [for k, v in e.gitops_bridge.annotations : k if v == ""]])}"
  }
  assert {
    condition     = alltrue([for e in [run.dev, run.staging, run.prod] : e.gitops_bridge.annotations.edge_mode == "cloudfront" && endswith(e.gitops_bridge.annotations.web_bucket, "-web-123456789012")])
    error_message = "in cloudfront mode the bridge names the web bucket the edge module creates"
  }
  # CloudFront's /api origin is the name the ALB answers on (the Ingress host, written by
  # external-dns): a fixed origin.<domain>, never the domain CloudFront's own aliases hold, and
  # inside the regional certificate's *.<domain>.
  assert {
    condition = alltrue([for e in [run.dev, run.staging, run.prod] :
      e.gitops_bridge.annotations.alb_host == "origin.${e.gitops_bridge.annotations.domain_name}"
    ])
    error_message = "in cloudfront mode the fact alb_host must be CloudFront's API origin origin.<domain>: ${jsonencode([for e in [run.dev, run.staging, run.prod] : e.gitops_bridge.annotations.alb_host])}"
  }
}

run "a_first_plan_with_nothing_created_yet" {
  command = plan
  module {
    source = "../envs/prod"
  }
  providers = {
    aws           = aws.first_plan
    aws.us_east_1 = aws.first_plan
  }
  variables {
    environment = "prod"
    domain_name = "prod.taskapp.example.com"
    vpc_cidr    = "10.30.0.0/16"
    edge_mode   = "cloudfront"
  }
}
