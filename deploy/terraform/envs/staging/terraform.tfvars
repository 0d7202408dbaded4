# staging: production's shape (HA data stores, nodes for the app), smaller instances.
environment = "staging"
aws_region  = "eu-west-1"
azs         = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
vpc_cidr    = "10.20.0.0/16"

domain_name   = "staging.taskapp.example.com"
dns_zone_name = "taskapp.example.com" # the public zone all envs share (ADR 0008)
edge_mode     = "ingress"
enable_loki   = true # Loki beside CloudWatch (deploy/gitops/envs/staging/apps.yaml monitoring.loki)

single_nat_gateway         = true
enable_interface_endpoints = true

cluster_public_access_cidrs = []

node_instance_types = ["t3a.large", "t3.large", "m6a.large"]
node_capacity_type  = "SPOT"
node_min_size       = 2
node_desired_size   = 2
node_max_size       = 4
app_on_fargate      = false
log_retention_days  = 90

db_instance_class        = "db.t4g.small"
db_multi_az              = true
db_backup_retention_days = 7
db_deletion_protection   = true

cache_node_type = "cache.t4g.small"
cache_num_nodes = 2

backup_expiration_days = 90

budget_monthly_usd = 600
budget_emails      = ["platform-team@taskapp.example"]
