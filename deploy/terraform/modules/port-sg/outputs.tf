output "id" {
  description = "ID of the security group (the caller attaches it to its database, cache, ...)."
  value       = aws_security_group.this.id
}

output "ingress" {
  description = "The ingress rules (protocol, ports, source group, CIDRs), for callers' tests and reviews."
  value = [for r in aws_vpc_security_group_ingress_rule.this : {
    ip_protocol                  = r.ip_protocol
    from_port                    = r.from_port
    to_port                      = r.to_port
    referenced_security_group_id = r.referenced_security_group_id
    cidr_ipv4                    = r.cidr_ipv4
    cidr_ipv6                    = r.cidr_ipv6
    prefix_list_id               = r.prefix_list_id
  }]
}
