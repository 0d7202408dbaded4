mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  name                       = "taskapp-test-postgres"
  description                = "PostgreSQL from the EKS cluster only"
  vpc_id                     = "vpc-0123456789abcdef0"
  service                    = "PostgreSQL"
  port                       = 5432
  allowed_security_group_ids = ["sg-0cluster", "sg-0bastion"]
}

run "one_tcp_port_from_each_listed_group_and_nothing_else" {
  command = plan

  assert {
    condition     = jsonencode([for r in aws_vpc_security_group_ingress_rule.this : [r.ip_protocol, r.from_port, r.to_port, r.referenced_security_group_id]]) == jsonencode([["tcp", 5432, 5432, "sg-0cluster"], ["tcp", 5432, 5432, "sg-0bastion"]])
    error_message = "one rule per listed group, TCP on the one port only (from_port = to_port = port)"
  }
  assert {
    condition     = alltrue([for r in aws_vpc_security_group_ingress_rule.this : r.cidr_ipv4 == null && r.cidr_ipv6 == null && r.prefix_list_id == null && r.security_group_id == aws_security_group.this.id])
    error_message = "a rule admits a security group, never a CIDR or a prefix list"
  }
  assert {
    condition     = length(aws_security_group.this.ingress) == 0 && length(aws_security_group.this.egress) == 0
    error_message = "no inline rules: no egress at all, and ingress only through the rules above"
  }
  assert {
    condition     = jsonencode(output.ingress) == jsonencode([for g in ["sg-0cluster", "sg-0bastion"] : { ip_protocol = "tcp", from_port = 5432, to_port = 5432, referenced_security_group_id = g, cidr_ipv4 = null, cidr_ipv6 = null, prefix_list_id = null }])
    error_message = "the ingress output describes the rules"
  }
}

run "names_and_describes_the_group_and_its_rules" {
  command = plan

  variables {
    tags = { Project = "taskapp" }
  }

  assert {
    condition     = aws_security_group.this.name == "taskapp-test-postgres" && aws_security_group.this.description == "PostgreSQL from the EKS cluster only" && aws_security_group.this.vpc_id == "vpc-0123456789abcdef0"
    error_message = "the group takes the caller's name, description and VPC"
  }
  assert {
    condition     = aws_security_group.this.tags == tomap({ Project = "taskapp", Name = "taskapp-test-postgres" })
    error_message = "the group carries the caller's tags and its name as the Name tag"
  }
  assert {
    condition     = [for r in aws_vpc_security_group_ingress_rule.this : r.description] == ["PostgreSQL from sg-0cluster", "PostgreSQL from sg-0bastion"]
    error_message = "each rule says what it admits from which group"
  }
}

run "rejects_a_cidr_or_a_port_out_of_range" {
  command = plan

  variables {
    port                       = 70000
    allowed_security_group_ids = ["10.0.0.0/16"]
  }

  expect_failures = [var.port, var.allowed_security_group_ids]
}

run "rejects_an_empty_list" {
  command = plan

  variables {
    allowed_security_group_ids = []
  }

  expect_failures = [var.allowed_security_group_ids]
}
