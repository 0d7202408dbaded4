# A security group that admits one TCP port from the listed security groups only: one ingress rule
# per group, no CIDR, no egress rule at all (Terraform removes the default allow-all egress rule of
# a new group). The database (5432) and the cache (6379) sit behind one each; the caller attaches it.
resource "aws_security_group" "this" {
  #checkov:skip=CKV2_AWS_5:the caller attaches it through output id (the RDS instance, the ElastiCache group), asserted by the database and cache tests; checkov does not follow the id out of the module
  name        = var.name
  description = var.description
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = var.name })
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  # count, not for_each: the IDs (e.g. the EKS cluster security group) are unknown until applied.
  count                        = length(var.allowed_security_group_ids)
  security_group_id            = aws_security_group.this.id
  description                  = "${var.service} from ${var.allowed_security_group_ids[count.index]}"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = var.allowed_security_group_ids[count.index]
}
