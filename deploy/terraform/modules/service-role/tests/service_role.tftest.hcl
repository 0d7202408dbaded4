mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  name    = "taskapp-test-rds-monitoring"
  service = "monitoring.rds.amazonaws.com"
}

run "only_the_named_service_may_assume_the_role" {
  command = plan

  variables {
    aws_managed_policies = ["service-role/AmazonRDSEnhancedMonitoringRole"]
  }

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy) == { Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "monitoring.rds.amazonaws.com" }, Action = ["sts:AssumeRole"] }] }
    error_message = "the trust policy names the one service, allows only sts:AssumeRole and has no condition unless one is given"
  }
  assert {
    condition     = output.managed_policy_arns == tolist(["arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"]) && length(aws_iam_role_policy.inline) == 0
    error_message = "managed policies are attached by their path under the partition's aws policy ARN, and nothing else is granted"
  }
}

run "conditions_and_inline_policies_reach_the_role" {
  command = plan

  variables {
    service          = "vpc-flow-logs.amazonaws.com"
    trust_conditions = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    inline_policies  = { write-flow-logs = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vpc/x:*"] }] }) }
  }

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition == { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    error_message = "the trust statement carries the caller's condition (confused-deputy protection)"
  }
  assert {
    condition     = keys(aws_iam_role_policy.inline) == ["write-flow-logs"] && jsondecode(aws_iam_role_policy.inline["write-flow-logs"].policy).Statement[0].Action == ["logs:PutLogEvents"] && length(aws_iam_role_policy_attachment.managed) == 0
    error_message = "each inline policy is put on the role under its name, and no managed policy is attached unless listed"
  }
}

run "a_principal_that_is_not_an_aws_service_is_refused" {
  command = plan

  variables {
    service = "arn:aws:iam::210987654321:root"
  }

  expect_failures = [var.service]
}

run "only_assume_and_tag_session_may_be_allowed" {
  command = plan

  variables {
    assume_actions = ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]
  }

  expect_failures = [var.assume_actions]
}
