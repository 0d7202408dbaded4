# One customer-managed KMS key with the policy every taskapp key shares: the account administers
# it through IAM (so roles are granted use in their own policies, never here), plus the service
# grants a caller names: CloudWatch Logs for listed log groups, and any extra statement.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  statements = concat(
    [{
      Sid       = "AccountAdministration"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }],
    length(var.log_group_names) == 0 ? [] : [{
      Sid       = "CloudWatchLogsUse"
      Effect    = "Allow"
      Principal = { Service = "logs.${local.region}.amazonaws.com" }
      Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      Resource  = "*"
      Condition = {
        ArnLike = {
          "kms:EncryptionContext:aws:logs:arn" = [for n in var.log_group_names : "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${n}"]
        }
      }
    }],
    var.extra_statements,
  )
}

resource "aws_kms_key" "this" {
  description             = var.description
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = jsonencode({ Version = "2012-10-17", Statement = local.statements })
  tags                    = merge(var.tags, { Name = var.name })
}

resource "aws_kms_alias" "this" {
  count         = var.alias == null ? 0 : 1
  name          = "alias/${var.alias}"
  target_key_id = aws_kms_key.this.key_id
}
