data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Service accounts: the names the Helm charts and Argo CD applications use.
  service_accounts = merge({
    backend                      = "${var.app_namespace}/taskapp-backend"
    backup                       = "${var.app_namespace}/taskapp-backend-backup"
    aws_load_balancer_controller = "kube-system/aws-load-balancer-controller"
    external_secrets             = "external-secrets/external-secrets"
    external_dns                 = "kube-system/external-dns"
    aws_for_fluent_bit           = "kube-system/aws-for-fluent-bit"
    cluster_autoscaler           = "kube-system/cluster-autoscaler"
  }, var.enable_loki ? { loki = "monitoring/loki" } : {})

  # Read, write and delete objects of one bucket (SSE-KMS through S3 only).
  bucket_rw = { for k, b in {
    backend = { bucket = var.assets_bucket_arn, key = var.assets_kms_key_arn }
    loki    = { bucket = var.loki_bucket_arn, key = var.loki_kms_key_arn }
    } : k => {
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ListTheBucket"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = [b.bucket]
      },
      {
        Sid      = "ReadWriteObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
        Resource = ["${b.bucket}/*"]
      },
      {
        Sid      = "EncryptThroughS3"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt"]
        Resource = [b.key]
        Condition = {
          StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" }
        }
      },
    ]
  } if k != "loki" || var.enable_loki }

  policies = {
    # The backend keeps user files in the assets bucket.
    backend = local.bucket_rw["backend"]

    # The backup CronJob uploads a dump and then checks it with head-object, which needs
    # s3:GetObject (and ListBucket for a clean 404); it never deletes (the lifecycle expires).
    backup = {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ListBackups"
          Effect   = "Allow"
          Action   = ["s3:ListBucket"]
          Resource = [var.backup_bucket_arn]
        },
        {
          Sid      = "WriteAndCheckBackups"
          Effect   = "Allow"
          Action   = ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"]
          Resource = ["${var.backup_bucket_arn}/*"]
        },
        {
          Sid      = "EncryptBackups"
          Effect   = "Allow"
          Action   = ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt"]
          Resource = [var.backup_kms_key_arn]
          Condition = {
            StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" }
          }
        },
      ]
    }

    # external-dns keeps the records of the one hosted zone (and must list zones to find it).
    external_dns = {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ChangeRecordsOfTheZone"
          Effect   = "Allow"
          Action   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"]
          Resource = [var.route53_zone_arn]
        },
        {
          Sid      = "FindZones"
          Effect   = "Allow"
          Action   = ["route53:ListHostedZones", "route53:ListTagsForResource"] # no resource-level permissions
          Resource = ["*"]
        },
      ]
    }

    # external-secrets reads this environment's secrets only.
    external_secrets = {
      Version = "2012-10-17"
      Statement = concat([
        {
          Sid      = "ReadAppSecrets"
          Effect   = "Allow"
          Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds"]
          Resource = concat(["arn:${local.partition}:secretsmanager:${local.region}:${local.account_id}:secret:${var.app_secrets_prefix}*"], var.extra_secret_arns)
        }], length(var.secrets_kms_key_arns) == 0 ? [] : [
        {
          Sid      = "DecryptThroughSecretsManager"
          Effect   = "Allow"
          Action   = ["kms:Decrypt"]
          Resource = var.secrets_kms_key_arns
          Condition = {
            StringEquals = { "kms:ViaService" = "secretsmanager.${local.region}.amazonaws.com" }
          }
      }])
    }

    # aws-for-fluent-bit ships container logs into its one log group (created by Terraform).
    aws_for_fluent_bit = {
      Version = "2012-10-17"
      Statement = [{
        Sid      = "ShipContainerLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
        Resource = [var.container_log_group_arn, "${var.container_log_group_arn}:log-stream:*"]
      }]
    }

    # cluster-autoscaler: read-only discovery everywhere (these Describe calls do not support
    # resource-level permissions), scaling only on node groups tagged as owned by this cluster.
    cluster_autoscaler = {
      Version = "2012-10-17"
      Statement = [
        {
          Sid    = "Discover"
          Effect = "Allow"
          Action = [
            "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
            "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities",
            "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
            "ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements",
            "eks:DescribeNodegroup",
          ]
          Resource = ["*"]
        },
        {
          Sid      = "ScaleOwnNodeGroups"
          Effect   = "Allow"
          Action   = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]
          Resource = ["*"]
          Condition = {
            StringEquals = { "aws:ResourceTag/k8s.io/cluster-autoscaler/${var.cluster_name}" = "owned" }
          }
        },
      ]
    }

    aws_load_balancer_controller = local.load_balancer_controller_policy
  }
  all_policies = merge(local.policies, var.enable_loki ? { loki = local.bucket_rw["loki"] } : {})
}

module "role" {
  source   = "./modules/role"
  for_each = local.service_accounts

  name              = "${var.cluster_name}-${replace(each.key, "_", "-")}"
  oidc_provider_arn = var.oidc_provider_arn
  oidc_issuer       = var.oidc_issuer
  service_accounts  = [each.value]
  policy_json       = jsonencode(local.all_policies[each.key])
  tags              = var.tags
}
