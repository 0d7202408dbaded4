# An IAM role that one AWS service assumes on the account's behalf (EKS, EC2 nodes, Fargate, VPC
# flow logs, RDS enhanced monitoring): the trust policy names that service and nothing else, and
# the role gets exactly the AWS managed policies and inline policies the caller lists.
data "aws_partition" "current" {}

resource "aws_iam_role" "this" {
  name = var.name
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [merge(
      {
        Effect    = "Allow"
        Principal = { Service = var.service }
        Action    = var.assume_actions
      },
      length(var.trust_conditions) > 0 ? { Condition = var.trust_conditions } : {},
    )]
  })
  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "managed" {
  for_each   = var.aws_managed_policies
  role       = aws_iam_role.this.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.key}"
}

resource "aws_iam_role_policy" "inline" {
  for_each = var.inline_policies
  name     = each.key
  role     = aws_iam_role.this.id
  policy   = each.value
}
