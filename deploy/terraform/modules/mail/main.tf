# Mail out through Amazon SES: the env's domain as a verified identity (Easy DKIM, a MAIL FROM
# subdomain so SPF aligns, DMARC), one configuration set (TLS required, bounces and complaints
# suppressed), and SMTP credentials for the backend in Secrets Manager (External Secrets takes
# them into the cluster; the backend speaks plain SMTP, docs/deploy.md).
data "aws_region" "current" {}

locals {
  mail_from_domain = "mail.${var.domain_name}"
  from_address     = "${var.from_local_part}@${var.domain_name}"
  smtp_host        = "email-smtp.${data.aws_region.current.name}.amazonaws.com"
}

resource "aws_sesv2_configuration_set" "this" {
  configuration_set_name = var.name

  delivery_options {
    tls_policy = "REQUIRE"
  }
  reputation_options {
    reputation_metrics_enabled = true
  }
  sending_options {
    sending_enabled = true
  }
  suppression_options {
    suppressed_reasons = ["BOUNCE", "COMPLAINT"]
  }
  tags = var.tags
}

resource "aws_sesv2_email_identity" "domain" {
  email_identity         = var.domain_name
  configuration_set_name = aws_sesv2_configuration_set.this.configuration_set_name

  dkim_signing_attributes {
    next_signing_key_length = "RSA_2048_BIT"
  }
  tags = var.tags
}

# Easy DKIM: three CNAMEs to SES's keys (SES rotates them behind the names).
resource "aws_route53_record" "dkim" {
  count   = 3
  zone_id = var.zone_id
  name    = "${aws_sesv2_email_identity.domain.dkim_signing_attributes[0].tokens[count.index]}._domainkey.${var.domain_name}"
  type    = "CNAME"
  ttl     = 1800
  records = ["${aws_sesv2_email_identity.domain.dkim_signing_attributes[0].tokens[count.index]}.dkim.amazonses.com"]
}

# A MAIL FROM subdomain: bounces come back to SES, and SPF passes for a domain under ours.
resource "aws_sesv2_email_identity_mail_from_attributes" "domain" {
  email_identity         = aws_sesv2_email_identity.domain.email_identity
  mail_from_domain       = local.mail_from_domain
  behavior_on_mx_failure = "REJECT_MESSAGE"
}

resource "aws_route53_record" "mail_from_mx" {
  zone_id = var.zone_id
  name    = local.mail_from_domain
  type    = "MX"
  ttl     = 1800
  records = ["10 feedback-smtp.${data.aws_region.current.name}.amazonses.com"]
}

resource "aws_route53_record" "mail_from_spf" {
  zone_id = var.zone_id
  name    = local.mail_from_domain
  type    = "TXT"
  ttl     = 1800
  records = ["v=spf1 include:amazonses.com -all"]
}

resource "aws_route53_record" "dmarc" {
  count   = var.dmarc_policy == null ? 0 : 1
  zone_id = var.zone_id
  name    = "_dmarc.${var.domain_name}"
  type    = "TXT"
  ttl     = 1800
  records = ["v=DMARC1; p=${var.dmarc_policy}; adkim=s; aspf=r"]
}

# SES's SMTP interface authenticates with an IAM user's access key (the SMTP password is derived
# from its secret): no role can stand in. The user may only send, only from our address, only
# through this identity.
resource "aws_iam_user" "smtp" {
  #checkov:skip=CKV_AWS_273:SES SMTP needs an IAM user's key; it can only send mail from one address
  name = "${var.name}-smtp"
  path = "/taskapp/"
  tags = var.tags
}

resource "aws_iam_user_policy" "send" {
  #checkov:skip=CKV_AWS_40:one user with one inline policy: a group for a single machine user adds nothing
  name = "send-mail"
  user = aws_iam_user.smtp.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "SendFromTheDomainOnly"
      Effect    = "Allow"
      Action    = ["ses:SendEmail", "ses:SendRawEmail"]
      Resource  = [aws_sesv2_email_identity.domain.arn, aws_sesv2_configuration_set.this.arn]
      Condition = { StringEquals = { "ses:FromAddress" = local.from_address } }
    }]
  })
}

resource "aws_iam_access_key" "smtp" {
  user = aws_iam_user.smtp.name
}

resource "aws_secretsmanager_secret" "smtp" {
  #checkov:skip=CKV2_AWS_57:SES SMTP keys are rotated by replacing aws_iam_access_key (docs/deploy.md), not by a Lambda
  name                    = var.smtp_secret_name
  description             = "SES SMTP credentials of ${var.name}"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = 7
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "smtp" {
  secret_id = aws_secretsmanager_secret.smtp.id
  secret_string = jsonencode({
    host     = local.smtp_host
    port     = 587
    username = aws_iam_access_key.smtp.id
    password = aws_iam_access_key.smtp.ses_smtp_password_v4
    from     = local.from_address
  })
}
