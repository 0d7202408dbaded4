output "smtp_host" {
  description = "SES SMTP endpoint of the region (STARTTLS on 587)."
  value       = local.smtp_host
}

output "from_address" {
  description = "The address mail goes out from."
  value       = local.from_address
}

output "smtp_secret_name" {
  description = "Secrets Manager secret holding host, port, username, password and from (JSON)."
  value       = aws_secretsmanager_secret.smtp.name
}

output "smtp_secret_arn" {
  description = "ARN of the SMTP credentials secret."
  value       = aws_secretsmanager_secret.smtp.arn
}

output "configuration_set" {
  description = "SES configuration set every message uses (the identity's default)."
  value       = aws_sesv2_configuration_set.this.configuration_set_name
}
