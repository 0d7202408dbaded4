output "primary_endpoint" {
  description = "Primary endpoint host (TLS on 6379): rediss://:<token>@<host>:6379/0."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "reader_endpoint" {
  description = "Reader endpoint host."
  value       = aws_elasticache_replication_group.this.reader_endpoint_address
}

output "port" {
  description = "Port of the cache."
  value       = aws_elasticache_replication_group.this.port
}

output "auth_token_secret_arn" {
  description = "Secrets Manager secret holding the AUTH token."
  value       = aws_secretsmanager_secret.auth.arn
}

output "auth_token" {
  description = "The AUTH token (sensitive), to compose the application's redis_url."
  value       = aws_secretsmanager_secret_version.auth.secret_string
  sensitive   = true
}

output "kms_key_arn" {
  description = "KMS key of the cache and its secret."
  value       = module.kms.arn
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.this.id
}

output "multi_az_enabled" {
  description = "Whether the replication group fails over across AZs."
  value       = aws_elasticache_replication_group.this.multi_az_enabled
}

output "num_cache_clusters" {
  description = "Number of cache nodes."
  value       = aws_elasticache_replication_group.this.num_cache_clusters
}

output "account_names" {
  description = "Names this module claims in the AWS account or globally, as kind:name (the estate test fails when two configurations claim one)."
  value       = ["elasticache-group:${aws_elasticache_replication_group.this.replication_group_id}", "elasticache-subnet-group:${aws_elasticache_subnet_group.this.name}", "secret:${aws_secretsmanager_secret.auth.name}"]
}
