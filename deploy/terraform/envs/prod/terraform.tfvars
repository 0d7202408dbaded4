# prod: a NAT gateway per AZ, Multi-AZ database and Redis, deletion protection, on-demand nodes.
environment = "prod"
aws_region  = "eu-west-1"
azs         = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
vpc_cidr    = "10.30.0.0/16"

domain_name   = "taskapp.example.com"
dns_zone_name = "taskapp.example.com" # the public zone all envs share (ADR 0008)
edge_mode     = "ingress"
enable_loki   = true # Loki beside CloudWatch (deploy/gitops/envs/prod/apps.yaml monitoring.loki)
enable_waf    = true # regional WAF in front of the ALB

single_nat_gateway         = false
enable_interface_endpoints = true

cluster_public_access_cidrs = []

node_instance_types = ["m6i.large", "m6a.large"]
node_capacity_type  = "ON_DEMAND"
node_min_size       = 3
node_desired_size   = 3
node_max_size       = 9
app_on_fargate      = false
log_retention_days  = 365

db_instance_class        = "db.m7g.large"
db_allocated_storage_gib = 100
db_multi_az              = true
db_backup_retention_days = 14
db_deletion_protection   = true

cache_node_type = "cache.m7g.large"
cache_num_nodes = 2

backup_expiration_days = 365

budget_monthly_usd = 1800
budget_emails      = ["platform-team@taskapp.example", "finance@taskapp.example"]
