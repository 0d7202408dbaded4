# The account-wide registry and CI role, planned with shared/terraform.tfvars (and the operator's
# github_repository, which has no value there).
mock_provider "aws" {
  override_during = plan
  source          = "../tests/mocks"
}

variables {
  github_repository = "acme-platform/taskapp"
}

# The one source of the repository Argo CD syncs from (issue 15): github_repository becomes the
# repo_url output (the repo_url cluster fact); the CI role trusts the same variable
# (modules/github-oidc, estate/ci-role).
run "the_repository_is_one_input_for_the_gitops_repo_url" {
  command = plan

  variables {
    github_repository = "someone-else/taskapp-fork"
  }

  assert {
    condition     = output.repo_url == "https://github.com/someone-else/taskapp-fork.git"
    error_message = "repo_url must be the https clone URL of github_repository"
  }
}

run "github_repository_is_owner_slash_name" {
  command = plan

  variables {
    github_repository = "https://github.com/acme-platform/taskapp.git"
  }

  expect_failures = [var.github_repository]
}

run "one_registry_for_images_and_charts" {
  command = plan

  assert {
    condition     = toset(keys(output.ecr_repository_urls)) == toset(["taskapp-backend", "taskapp-frontend", "charts/taskapp-backend", "charts/taskapp-frontend", "charts/taskapp-ingress", "charts/taskapp-monitoring"])
    error_message = "the registry holds the two images (cd.yml) and one OCI repository per chart (release.yml)"
  }
  assert {
    condition     = output.ecr_registry == "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
    error_message = "the registry host (the workflows' ECR_REGISTRY) comes from the repositories themselves"
  }
  assert {
    condition     = startswith(output.github_actions_role_arn, "arn:aws:iam::123456789012:role/")
    error_message = "the CI role (AWS_ROLE_ARN) is created here"
  }
}

run "chart_repositories_live_under_charts" {
  command = plan

  variables {
    chart_repositories = ["taskapp-backend-chart"]
  }

  expect_failures = [var.chart_repositories]
}

# The public zone (issue 15): Terraform creates it by default and hands out the name servers to
# delegate to; with create_dns_zone = false it uses the operator's zone of that name instead.
run "the_public_zone_is_created_and_its_name_servers_are_an_output" {
  command = plan

  assert {
    condition     = length(aws_route53_zone.public) == 1 && aws_route53_zone.public[0].name == var.dns_zone_name && length(data.aws_route53_zone.public) == 0
    error_message = "shared creates the hosted zone dns_zone_name when create_dns_zone is true"
  }
  assert {
    condition     = output.dns_zone_id == "Z0MOCKNEWZONE" && length(output.dns_name_servers) == 4
    error_message = "the zone id and the name servers to delegate to are those of the created zone"
  }
}

run "an_operators_zone_is_looked_up_not_created" {
  command = plan

  variables {
    create_dns_zone = false
  }

  assert {
    condition     = length(aws_route53_zone.public) == 0 && data.aws_route53_zone.public[0].name == var.dns_zone_name
    error_message = "with create_dns_zone = false the existing zone is looked up by name"
  }
  assert {
    condition     = output.dns_zone_id == "Z0MOCKZONE" && length(output.dns_name_servers) == 4
    error_message = "the outputs name the operator's zone"
  }
}
