mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  github_repository   = "taskapp/taskapp"
  ecr_repository_arns = ["arn:aws:ecr:eu-west-1:123456789012:repository/taskapp-backend", "arn:aws:ecr:eu-west-1:123456789012:repository/taskapp-frontend"]
}

run "trust_pins_repository_main_branch_and_tags" {
  command = plan

  assert {
    condition     = jsondecode(aws_iam_role.ci.assume_role_policy).Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"] == ["repo:taskapp/taskapp:ref:refs/heads/main", "repo:taskapp/taskapp:ref:refs/tags/v*"]
    error_message = "only the repository's main branch and v* tags may assume the role"
  }
  assert {
    condition     = jsondecode(aws_iam_role.ci.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    error_message = "the audience must be sts.amazonaws.com"
  }
  assert {
    condition     = jsondecode(aws_iam_role.ci.assume_role_policy).Statement[0].Principal.Federated == aws_iam_openid_connect_provider.github[0].arn
    error_message = "the role must trust GitHub's OIDC provider"
  }
  assert {
    condition     = aws_iam_openid_connect_provider.github[0].url == "https://token.actions.githubusercontent.com"
    error_message = "the provider must be GitHub Actions'"
  }
}

run "may_only_push_to_the_two_repositories" {
  command = plan

  assert {
    condition     = jsonencode(jsondecode(aws_iam_role_policy.ecr_push.policy).Statement[1].Resource) == jsonencode(var.ecr_repository_arns)
    error_message = "push actions must be limited to the listed repositories"
  }
  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.ecr_push.policy).Statement : s.Resource if s.Resource == "*"] == ["*"] && jsondecode(aws_iam_role_policy.ecr_push.policy).Statement[0].Action == ["ecr:GetAuthorizationToken"]
    error_message = "the only unscoped action may be ecr:GetAuthorizationToken"
  }
  assert {
    condition     = alltrue([for a in flatten([for s in jsondecode(aws_iam_role_policy.ecr_push.policy).Statement : s.Action]) : startswith(a, "ecr:") && !strcontains(a, "*") && !contains(["ecr:DeleteRepository", "ecr:BatchDeleteImage", "ecr:SetRepositoryPolicy"], a)])
    error_message = "the CI role may not delete or administer repositories"
  }
}

run "existing_provider_is_reused" {
  command = plan
  variables {
    create_oidc_provider = false
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0 && jsondecode(aws_iam_role.ci.assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    error_message = "with create_oidc_provider = false the role must trust the account's existing provider"
  }
}

run "rejects_a_wildcard_repository" {
  command = plan
  variables {
    github_repository = "taskapp/*"
  }
  expect_failures = [var.github_repository]
}

run "rejects_pull_request_refs" {
  command = plan
  variables {
    allowed_refs = ["refs/pull/*"]
  }
  expect_failures = [var.allowed_refs]
}
