# The account-wide registry and CI role, planned with shared/terraform.tfvars.
mock_provider "aws" {
  override_during = plan
  source          = "../tests/mocks"
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
