mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  name        = "taskapp-test-logs"
  description = "test key"
}

run "the_account_administers_the_key_and_nothing_else_by_default" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation && aws_kms_key.this.deletion_window_in_days == 30
    error_message = "every key rotates yearly and waits 30 days before deletion"
  }
  assert {
    condition     = [for s in jsondecode(aws_kms_key.this.policy).Statement : s.Sid] == ["AccountAdministration"] && jsondecode(aws_kms_key.this.policy).Statement[0].Principal.AWS == "arn:aws:iam::123456789012:root"
    error_message = "without grants, the policy only lets the account administer the key (IAM decides who uses it)"
  }
  assert {
    condition     = length(aws_kms_alias.this) == 0
    error_message = "no alias unless one is asked for"
  }
}

run "logs_may_use_the_key_only_for_the_named_log_groups" {
  command = plan

  variables {
    alias           = "taskapp-test-logs"
    log_group_names = ["/aws/eks/taskapp-test/*"]
  }

  assert {
    condition     = jsondecode(aws_kms_key.this.policy).Statement[1].Principal.Service == "logs.eu-west-1.amazonaws.com" && jsondecode(aws_kms_key.this.policy).Statement[1].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"] == ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/eks/taskapp-test/*"]
    error_message = "CloudWatch Logs may use the key only in the encryption context of the listed log groups"
  }
  assert {
    condition     = aws_kms_alias.this[0].name == "alias/taskapp-test-logs"
    error_message = "the alias is alias/<alias>"
  }
}

run "a_reserved_alias_or_a_duplicate_sid_is_refused" {
  command = plan

  variables {
    alias            = "aws/ebs"
    extra_statements = [{ Sid = "AccountAdministration", Effect = "Allow", Principal = "*", Action = "kms:*", Resource = "*" }]
  }

  expect_failures = [var.alias, var.extra_statements]
}
