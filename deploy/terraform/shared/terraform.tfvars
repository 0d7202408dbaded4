# The account-wide parts (ADR 0008): the one registry and the CI role. Applied once, after
# ../bootstrap and before any envs/<env>.
aws_region = "eu-west-1"

# Your GitHub repository of taskapp (operator input, owner/name): the CI role trusts its workflows
# and every env's Argo CD syncs from it (output repo_url). No default: set it here or with
# TF_VAR_github_repository before the first plan (docs/deploy.md).
# github_repository = "<owner>/<name>"

# The product's public DNS zone (operator input: your own domain). Terraform creates the hosted
# zone; delegate it to `terraform output dns_name_servers` (docs/deploy.md). If the account already
# has the zone, set create_dns_zone = false. Every envs/<env>/terraform.tfvars dns_zone_name names it.
dns_zone_name   = "taskapp.example.com"
create_dns_zone = true
