data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  issuer       = "token.actions.githubusercontent.com"
  provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/${local.issuer}"
  # A job that names a GitHub environment gets the sub repo:<repo>:environment:<name> instead of
  # its ref (GitHub's OIDC claims): those jobs are admitted by environment, whose protection
  # rules (reviewers, main only) decide who reaches them.
  subjects = concat(
    [for r in var.allowed_refs : "repo:${var.github_repository}:ref:${r}"],
    [for e in var.allowed_environments : "repo:${var.github_repository}:environment:${e}"],
  )
}

# AWS validates GitHub's OIDC tokens against its own trusted CAs; no thumbprint pinning needed.
resource "aws_iam_openid_connect_provider" "github" {
  count          = var.create_oidc_provider ? 1 : 0
  url            = "https://${local.issuer}"
  client_id_list = ["sts.amazonaws.com"]
  tags           = merge(var.tags, { Name = "github-actions" })
}

resource "aws_iam_role" "ci" {
  name                 = var.role_name
  description          = "GitHub Actions of ${var.github_repository} (main, release tags, its deployment environments): push images and charts to ECR"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "${local.issuer}:aud" = "sts.amazonaws.com" }
        StringLike   = { "${local.issuer}:sub" = local.subjects }
      }
    }]
  })
  tags = var.tags
}

# What the workflows do with the registry (scripts/ci_role.py derives it from them and checks the
# plan against it): push images and charts (buildx and helm read the manifest back), look image
# tags up (promote.yml, release.yml), and pull what publish-web.sh and publish-charts.sh read.
resource "aws_iam_role_policy" "ecr_push" {
  name = "ecr-push"
  role = aws_iam_role.ci.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid      = "RegistryLogin"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"] # has no resource-level permissions
        Resource = "*"
      },
      {
        Sid    = "PushImagesAndCharts"
        Effect = "Allow"
        Action = [
          "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
          "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage",
        ]
        Resource = var.ecr_repository_arns
      },
      ],
      # A statement without resources is invalid: leave out what the caller grants nothing.
      length(var.ecr_describe_repository_arns) == 0 ? [] : [{
        Sid      = "LookUpImageTags"
        Effect   = "Allow"
        Action   = ["ecr:DescribeImages"]
        Resource = var.ecr_describe_repository_arns
      }],
      length(var.ecr_pull_repository_arns) == 0 ? [] : [{
        Sid      = "PullLayers"
        Effect   = "Allow"
        Action   = ["ecr:GetDownloadUrlForLayer"]
        Resource = var.ecr_pull_repository_arns
      }],
    )
  })
}
