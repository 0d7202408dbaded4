output "repository_urls" {
  description = "Repository URL by name (the image.repository of the GitOps values)."
  value       = { for k, r in aws_ecr_repository.this : k => r.repository_url }
}

output "repository_arns" {
  description = "Repository ARN by name (built from the name, as ECR forms it: known at plan, so policies that name them plan exactly)."
  value       = { for k, r in aws_ecr_repository.this : k => "arn:${data.aws_partition.current.partition}:ecr:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:repository/${r.name}" }
}

output "account_names" {
  description = "Names this module claims in the AWS account or globally, as kind:name (the estate test fails when two configurations claim one)."
  value       = [for r in aws_ecr_repository.this : "ecr-repository:${r.name}"]
}

output "registry_host" {
  description = "Registry host of the repositories (<registry id>.dkr.ecr.<region>.amazonaws.com), taken from the repositories themselves."
  value       = one(distinct([for r in aws_ecr_repository.this : split("/", r.repository_url)[0]]))
}
