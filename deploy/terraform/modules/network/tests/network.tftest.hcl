# Plans the network with a mocked AWS provider and checks what the rest of the estate relies on.
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  name         = "taskapp-test"
  cidr         = "10.20.0.0/16"
  azs          = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  cluster_name = "taskapp-test"
}

run "three_tiers_per_az_without_overlap" {
  command = plan

  assert {
    condition     = length(aws_subnet.public) == 3 && length(aws_subnet.private) == 3 && length(aws_subnet.database) == 3
    error_message = "expected one public, one private and one database subnet per AZ"
  }
  assert {
    condition     = [for s in aws_subnet.private : s.availability_zone] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    error_message = "private subnets must follow the AZ list in order"
  }
  assert {
    condition     = length(distinct(concat(aws_subnet.public[*].cidr_block, aws_subnet.private[*].cidr_block, aws_subnet.database[*].cidr_block))) == 9
    error_message = "subnet CIDRs must be distinct"
  }
  assert {
    condition     = aws_subnet.private[0].cidr_block == "10.20.0.0/18" && aws_subnet.public[0].cidr_block == "10.20.192.0/22" && aws_subnet.database[2].cidr_block == "10.20.216.0/22"
    error_message = "unexpected subnet layout: ${jsonencode(concat(aws_subnet.private[*].cidr_block, aws_subnet.public[*].cidr_block, aws_subnet.database[*].cidr_block))}"
  }
  assert {
    condition     = alltrue([for s in aws_subnet.public : s.map_public_ip_on_launch == false])
    error_message = "public subnets must not hand out public IPs on launch"
  }
}

run "load_balancer_controller_subnet_tags" {
  command = plan

  assert {
    condition     = alltrue([for s in aws_subnet.public : s.tags["kubernetes.io/role/elb"] == "1" && s.tags["kubernetes.io/cluster/taskapp-test"] == "shared"])
    error_message = "public subnets need kubernetes.io/role/elb=1 and the cluster tag"
  }
  assert {
    condition     = alltrue([for s in aws_subnet.private : s.tags["kubernetes.io/role/internal-elb"] == "1" && s.tags["kubernetes.io/cluster/taskapp-test"] == "shared"])
    error_message = "private subnets need kubernetes.io/role/internal-elb=1 and the cluster tag"
  }
  assert {
    condition     = alltrue([for s in aws_subnet.database : !contains(keys(s.tags), "kubernetes.io/role/elb") && !contains(keys(s.tags), "kubernetes.io/role/internal-elb")])
    error_message = "database subnets must never be picked for load balancers"
  }
}


run "one_nat_per_az_by_default" {
  command = plan

  assert {
    condition     = length(aws_nat_gateway.this) == 3 && length(aws_eip.nat) == 3
    error_message = "expected a NAT gateway (and EIP) per AZ"
  }
  assert {
    condition     = [for r in aws_route.private_nat : r.nat_gateway_id] == aws_nat_gateway.this[*].id
    error_message = "each private route table must use the NAT gateway of its own AZ"
  }
  assert {
    condition     = aws_nat_gateway.this[1].subnet_id == aws_subnet.public[1].id
    error_message = "NAT gateways belong in the public subnets"
  }
}

run "single_shared_nat" {
  command = plan
  variables {
    single_nat_gateway = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_eip.nat) == 1
    error_message = "single_nat_gateway must create exactly one NAT gateway"
  }
  assert {
    condition     = length(aws_route.private_nat) == 3 && alltrue([for r in aws_route.private_nat : r.nat_gateway_id == aws_nat_gateway.this[0].id])
    error_message = "every private route table must use the shared NAT gateway"
  }
}

run "database_subnets_are_isolated" {
  command = plan

  assert {
    condition     = alltrue([for a in aws_route_table_association.database : a.route_table_id == aws_route_table.database.id])
    error_message = "database subnets must use the isolated route table"
  }
  assert {
    condition     = !contains([aws_route.public_internet.route_table_id], aws_route_table.database.id) && alltrue([for r in aws_route.private_nat : r.route_table_id != aws_route_table.database.id])
    error_message = "the database route table must have no route to the internet or a NAT gateway"
  }
}

run "endpoints_and_flow_logs" {
  command = plan

  assert {
    condition     = aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.s3.service_name == "com.amazonaws.eu-west-1.s3"
    error_message = "expected an S3 gateway endpoint"
  }
  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "ecr.dkr", "sts", "logs"])
    error_message = "expected interface endpoints for ECR api/dkr, STS and CloudWatch Logs"
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.endpoints_https[0].from_port == 443 && aws_vpc_security_group_ingress_rule.endpoints_https[0].cidr_ipv4 == "10.20.0.0/16"
    error_message = "interface endpoints must accept only HTTPS from the VPC"
  }
  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL" && aws_cloudwatch_log_group.flow_logs.kms_key_id == module.kms.arn
    error_message = "flow logs must capture all traffic into a KMS-encrypted log group"
  }
  assert {
    condition     = [for a in jsondecode(module.kms.policy).Statement[1].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"] : endswith(a, ":log-group:${aws_cloudwatch_log_group.flow_logs.name}")] == [true]
    error_message = "CloudWatch Logs may use the flow log key for the flow log group only"
  }
}

run "interface_endpoints_can_be_turned_off" {
  command = plan
  variables {
    enable_interface_endpoints = false
    azs                        = ["eu-west-1a", "eu-west-1b"]
  }

  assert {
    condition     = length(aws_vpc_endpoint.interface) == 0 && length(aws_security_group.endpoints) == 0
    error_message = "no interface endpoint (nor its security group) when disabled"
  }
  assert {
    condition     = length(aws_subnet.private) == 2 && length(aws_nat_gateway.this) == 2
    error_message = "two AZs give two private subnets and two NAT gateways"
  }
}

run "rejects_an_invalid_cidr" {
  command = plan
  variables {
    cidr = "10.300.0.0/16"
  }
  expect_failures = [var.cidr]
}

run "rejects_a_cidr_that_is_not_a_network_address" {
  command = plan
  variables {
    cidr = "10.0.1.0/16"
  }
  expect_failures = [var.cidr]
}

run "rejects_a_single_az" {
  command = plan
  variables {
    azs = ["eu-west-1a"]
  }
  expect_failures = [var.azs]
}

run "rejects_an_unsupported_log_retention" {
  command = plan
  variables {
    flow_log_retention_days = 0
  }
  expect_failures = [var.flow_log_retention_days]
}
