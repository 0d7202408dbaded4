mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  name              = "taskapp-test-monthly"
  monthly_limit_usd = 450
  subscriber_emails = ["platform@example.com"]
  cost_filter_tags  = { Environment = "test" }
}

run "monthly_cost_budget_with_alerts" {
  command = plan

  assert {
    condition     = aws_budgets_budget.monthly.limit_amount == "450.00" && aws_budgets_budget.monthly.time_unit == "MONTHLY" && aws_budgets_budget.monthly.budget_type == "COST"
    error_message = "expected a 450 USD monthly cost budget"
  }
  assert {
    condition     = toset([for n in aws_budgets_budget.monthly.notification : "${n.notification_type}:${n.threshold}"]) == toset(["ACTUAL:80", "ACTUAL:100", "FORECASTED:100"])
    error_message = "expected alerts at 80% and 100% actual and 100% forecast"
  }
  assert {
    condition     = alltrue([for n in aws_budgets_budget.monthly.notification : n.subscriber_email_addresses == toset(["platform@example.com"])])
    error_message = "every alert must go to the subscribers"
  }
  assert {
    condition     = jsonencode([for f in aws_budgets_budget.monthly.cost_filter : f.values]) == jsonencode([["user:Environment$test"]])
    error_message = "costs must be filtered on the environment tag"
  }
}

run "rejects_a_bad_email" {
  command = plan
  variables {
    subscriber_emails = ["not-an-email"]
  }
  expect_failures = [var.subscriber_emails]
}

run "rejects_a_zero_budget" {
  command = plan
  variables {
    monthly_limit_usd = 0
  }
  expect_failures = [var.monthly_limit_usd]
}
