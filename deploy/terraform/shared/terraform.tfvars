# The account-wide parts (ADR 0008): the one registry and the CI role. Applied once, after
# ../bootstrap and before any envs/<env>.
aws_region        = "eu-west-1"
github_repository = "taskapp/taskapp" # the repository the Argo CD applications sync from

# The product's public DNS zone (operator input: your own domain). Terraform creates the hosted
# zone; delegate it to `terraform output dns_name_servers` (docs/deploy.md). If the account already
# has the zone, set create_dns_zone = false. Every envs/<env>/terraform.tfvars dns_zone_name names it.
dns_zone_name   = "taskapp.example.com"
create_dns_zone = true
