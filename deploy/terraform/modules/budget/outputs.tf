output "budget_name" {
  description = "Name of the budget."
  value       = aws_budgets_budget.monthly.name
}

output "account_names" {
  description = "Names this module claims in the AWS account or globally, as kind:name (the estate test fails when two configurations claim one)."
  value       = ["budget:${aws_budgets_budget.monthly.name}"]
}
