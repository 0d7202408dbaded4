mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  cluster_name            = "taskapp-test"
  app_namespace           = "taskapp-test"
  oidc_provider_arn       = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"
  oidc_issuer             = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"
  backup_bucket_arn       = "arn:aws:s3:::taskapp-test-backups"
  backup_kms_key_arn      = "arn:aws:kms:eu-west-1:123456789012:key/backup"
  assets_bucket_arn       = "arn:aws:s3:::taskapp-test-assets"
  assets_kms_key_arn      = "arn:aws:kms:eu-west-1:123456789012:key/backup"
  route53_zone_arn        = "arn:aws:route53:::hostedzone/Z0TEST"
  app_secrets_prefix      = "taskapp/test/"
  extra_secret_arns       = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbCdEf"]
  secrets_kms_key_arns    = ["arn:aws:kms:eu-west-1:123456789012:key/secrets"]
  container_log_group_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/eks/taskapp-test/containers"
}

run "each_role_trusts_exactly_its_service_account" {
  command = plan

  assert {
    condition = {
      for k, m in module.role : k => jsondecode(m.trust_policy).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub"]
      } == {
      backend                      = ["system:serviceaccount:taskapp-test:taskapp-backend"]
      backup                       = ["system:serviceaccount:taskapp-test:taskapp-backend-backup"]
      aws_load_balancer_controller = ["system:serviceaccount:kube-system:aws-load-balancer-controller"]
      external_secrets             = ["system:serviceaccount:external-secrets:external-secrets"]
      external_dns                 = ["system:serviceaccount:kube-system:external-dns"]
      aws_for_fluent_bit           = ["system:serviceaccount:kube-system:aws-for-fluent-bit"]
      cluster_autoscaler           = ["system:serviceaccount:kube-system:cluster-autoscaler"]
    }
    error_message = "each role must trust exactly its own service account"
  }
  assert {
    condition     = alltrue([for k, m in module.role : jsondecode(m.trust_policy).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud"] == "sts.amazonaws.com"])
    error_message = "each role must pin the sts.amazonaws.com audience"
  }
  assert {
    condition     = alltrue([for k, m in module.role : jsondecode(m.trust_policy).Statement[0].Principal.Federated == var.oidc_provider_arn])
    error_message = "each role must trust the cluster's OIDC provider only"
  }
}

run "the_backup_job_can_write_and_check_but_not_delete_backups" {
  command = plan

  assert {
    condition     = [for st in jsondecode(module.role["backup"].policy_json).Statement : st.Action] == [["s3:ListBucket"], ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"], ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt"]]
    error_message = "the backup job lists the bucket, puts and reads (head-object) backups, and uses the bucket key"
  }
  assert {
    condition     = jsondecode(module.role["backup"].policy_json).Statement[1].Resource == ["arn:aws:s3:::taskapp-test-backups/*"] && jsondecode(module.role["backup"].policy_json).Statement[2].Resource == ["arn:aws:kms:eu-west-1:123456789012:key/backup"]
    error_message = "the backup job works only on the backup bucket and its key"
  }
  assert {
    condition = alltrue(flatten([for st in jsondecode(module.role["backup"].policy_json).Statement : [
      for a in flatten([st.Action]) : !contains(["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutLifecycleConfiguration", "s3:*", "*"], a)
    ]]))
    error_message = "the backup job must not delete backups or change their expiry"
  }
  assert {
    condition     = !strcontains(module.role["backend"].policy_json, "backups")
    error_message = "the backend itself has no access to the backups"
  }
}

run "external_dns_changes_only_its_zone_and_loki_is_optional" {
  command = plan

  assert {
    condition     = jsondecode(module.role["external_dns"].policy_json).Statement[0].Resource == ["arn:aws:route53:::hostedzone/Z0TEST"]
    error_message = "external-dns may change records of the one hosted zone only"
  }
  assert {
    condition     = !contains(keys(module.role), "loki")
    error_message = "no Loki role unless Loki is on"
  }
}

run "loki_gets_its_bucket_when_on" {
  command = plan

  variables {
    enable_loki      = true
    loki_bucket_arn  = "arn:aws:s3:::taskapp-test-loki"
    loki_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/backup"
  }

  assert {
    condition     = jsondecode(module.role["loki"].policy_json).Statement[1].Resource == ["arn:aws:s3:::taskapp-test-loki/*"] && jsondecode(module.role["loki"].trust_policy).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub"] == ["system:serviceaccount:monitoring:loki"]
    error_message = "Loki (monitoring/loki) reads and writes its own bucket"
  }
}

run "external_secrets_reads_only_this_environment" {
  command = plan

  assert {
    condition = jsondecode(module.role["external_secrets"].policy_json).Statement[0].Resource == [
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:taskapp/test/*",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbCdEf",
    ]
    error_message = "external-secrets may read taskapp/test/* and the listed secrets only"
  }
  assert {
    condition     = jsondecode(module.role["external_secrets"].policy_json).Statement[1].Condition.StringEquals["kms:ViaService"] == "secretsmanager.eu-west-1.amazonaws.com"
    error_message = "decrypting must go through Secrets Manager"
  }
  assert {
    condition     = !contains(flatten([for s in jsondecode(module.role["external_secrets"].policy_json).Statement : s.Action]), "secretsmanager:PutSecretValue")
    error_message = "external-secrets must not write secrets"
  }
}

run "fluent_bit_writes_its_log_group_only" {
  command = plan

  assert {
    condition = jsondecode(module.role["aws_for_fluent_bit"].policy_json).Statement[0].Resource == [
      "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/eks/taskapp-test/containers",
      "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/eks/taskapp-test/containers:log-stream:*",
    ]
    error_message = "fluent-bit may only write to the container log group"
  }
  assert {
    condition     = !contains(jsondecode(module.role["aws_for_fluent_bit"].policy_json).Statement[0].Action, "logs:CreateLogGroup")
    error_message = "fluent-bit must not create log groups (Terraform owns the group, its retention and key)"
  }
}

run "autoscaler_scales_only_its_own_node_groups" {
  command = plan

  assert {
    condition     = jsondecode(module.role["cluster_autoscaler"].policy_json).Statement[1].Condition.StringEquals["aws:ResourceTag/k8s.io/cluster-autoscaler/taskapp-test"] == "owned"
    error_message = "scaling actions must be conditioned on the cluster's ownership tag"
  }
}

run "load_balancer_controller_mutates_only_tagged_resources" {
  command = plan

  assert {
    condition = alltrue([for s in jsondecode(module.role["aws_load_balancer_controller"].policy_json).Statement :
      can(s.Condition) || s.Resource != "*" || alltrue([for a in s.Action : can(regex("^(ec2|elasticloadbalancing):(Describe|Get)|^(cognito-idp|acm|iam|waf-regional|wafv2|shield):|^ec2:CreateSecurityGroup$", a))])
    ])
    error_message = "unconditioned statements on * may only describe, read certificates/WAF, or create security groups"
  }
}

run "role_names_carry_the_cluster_name" {
  command = plan

  assert {
    condition     = toset([for m in module.role : m.role_name]) == toset(["taskapp-test-backend", "taskapp-test-backup", "taskapp-test-external-dns", "taskapp-test-aws-load-balancer-controller", "taskapp-test-external-secrets", "taskapp-test-aws-for-fluent-bit", "taskapp-test-cluster-autoscaler"])
    error_message = "unexpected role names"
  }
}

run "rejects_a_wildcard_secret_prefix" {
  command = plan
  variables {
    app_secrets_prefix = "*/"
  }
  expect_failures = [var.app_secrets_prefix]
}

run "rejects_a_log_group_wildcard" {
  command = plan
  variables {
    container_log_group_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:*"
  }
  expect_failures = [var.container_log_group_arn]
}

# The reusable role on its own.
run "role_module_rejects_wildcard_service_accounts" {
  command = plan
  module {
    source = "./modules/role"
  }
  variables {
    name             = "x"
    service_accounts = ["kube-system/*"]
  }
  expect_failures = [var.service_accounts]
}
