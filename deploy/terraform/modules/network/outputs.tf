output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "IPv4 CIDR of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnets (internet-facing load balancers, NAT gateways), one per AZ."
  value       = aws_subnet.public[*].id
}

output "public_subnet_cidrs" {
  description = "CIDRs of the public subnets (where the ALB's nodes live: the NetworkPolicy ingress source)."
  value       = aws_subnet.public[*].cidr_block
}

output "private_subnet_ids" {
  description = "Private app subnets (EKS nodes, Fargate pods, interface endpoints), one per AZ."
  value       = aws_subnet.private[*].id
}

output "database_subnet_ids" {
  description = "Isolated database subnets (RDS, ElastiCache), one per AZ, without any internet route."
  value       = aws_subnet.database[*].id
}

output "database_subnet_cidrs" {
  description = "CIDRs of the database subnets (where RDS and ElastiCache live: the backend's NetworkPolicy egress)."
  value       = aws_subnet.database[*].cidr_block
}

output "nat_public_ips" {
  description = "Elastic IPs of the NAT gateways: the addresses outbound traffic comes from."
  value       = aws_eip.nat[*].public_ip
}

output "flow_log_group_name" {
  description = "CloudWatch log group that receives the VPC flow logs."
  value       = aws_cloudwatch_log_group.flow_logs.name
}

output "account_names" {
  description = "Names this module claims in the AWS account or globally, as kind:name (the estate test fails when two configurations claim one)."
  value       = ["iam-role:${module.flow_logs_role.name}", "log-group:${aws_cloudwatch_log_group.flow_logs.name}"]
}
