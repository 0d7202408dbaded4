# dev: cheapest shape that still runs the whole stack. Costs: docs/cost.md.
environment = "dev"
aws_region  = "eu-west-1"
azs         = ["eu-west-1a", "eu-west-1b"]
vpc_cidr    = "10.10.0.0/16"

domain_name   = "dev.taskapp.example.com"
dns_zone_name = "taskapp.example.com" # the public zone all envs share (ADR 0008)
edge_mode     = "ingress"

single_nat_gateway         = true  # one NAT for both AZs
enable_interface_endpoints = false # at dev traffic, NAT data is cheaper than 4 endpoints x 2 AZs

cluster_public_access_cidrs = [] # private API: SSM port forwarding as taskapp-dev-platform-admin (docs/deploy.md)

node_instance_types = ["t3a.large", "t3.large"]
node_capacity_type  = "SPOT"
node_min_size       = 1
node_desired_size   = 2
node_max_size       = 3
app_on_fargate      = true # the app scales to its pods, nodes carry only the platform add-ons
log_retention_days  = 30

db_instance_class        = "db.t4g.micro"
db_multi_az              = false
db_backup_retention_days = 3
db_deletion_protection   = false

cache_node_type = "cache.t4g.micro"
cache_num_nodes = 1

backup_expiration_days = 30

budget_monthly_usd = 450
budget_emails      = ["platform-team@taskapp.example"]
