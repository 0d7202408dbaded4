mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  name             = "taskapp-test"
  domain_name      = "dev.taskapp.example.com"
  zone_id          = "Z0123456789ABCDEFGHIJ"
  smtp_secret_name = "taskapp/test/smtp"
  kms_key_arn      = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

override_resource {
  target          = aws_sesv2_email_identity.domain
  override_during = plan
  values = {
    arn = "arn:aws:ses:eu-west-1:123456789012:identity/dev.taskapp.example.com"
    dkim_signing_attributes = {
      next_signing_key_length = "RSA_2048_BIT"
      tokens                  = ["tokena", "tokenb", "tokenc"]
    }
  }
}

override_resource {
  target          = aws_sesv2_configuration_set.this
  override_during = plan
  values          = { arn = "arn:aws:ses:eu-west-1:123456789012:configuration-set/taskapp-test" }
}

# The key pair SES would derive the SMTP password from (fixed, so a run can compare them at plan).
override_resource {
  target          = aws_iam_access_key.smtp
  override_during = plan
  values = {
    id                   = "AKIAMOCKSMTPKEY00001"
    ses_smtp_password_v4 = "BMockDerivedSmtpPassword0000000000000000000"
    secret               = "mock-raw-secret-access-key"
  }
}

run "the_domain_signs_and_aligns" {
  command = plan

  assert {
    condition     = aws_sesv2_email_identity.domain.email_identity == "dev.taskapp.example.com" && aws_sesv2_email_identity.domain.configuration_set_name == "taskapp-test"
    error_message = "the env's domain is the identity and sends through the module's configuration set"
  }
  assert {
    condition     = [for r in aws_route53_record.dkim : r.name] == ["tokena._domainkey.dev.taskapp.example.com", "tokenb._domainkey.dev.taskapp.example.com", "tokenc._domainkey.dev.taskapp.example.com"]
    error_message = "one DKIM CNAME per SES token, under the domain"
  }
  assert {
    condition     = alltrue([for i, r in aws_route53_record.dkim : r.records == toset(["token${["a", "b", "c"][i]}.dkim.amazonses.com"]) && r.zone_id == "Z0123456789ABCDEFGHIJ"])
    error_message = "each DKIM CNAME points at SES's key of the same token, in the env's zone"
  }
  assert {
    condition     = aws_sesv2_email_identity_mail_from_attributes.domain.mail_from_domain == aws_route53_record.mail_from_mx.name && aws_route53_record.mail_from_spf.name == aws_route53_record.mail_from_mx.name
    error_message = "the MAIL FROM domain SES uses is the one whose MX and SPF records the module writes"
  }
  assert {
    condition     = aws_route53_record.mail_from_mx.records == toset(["10 feedback-smtp.eu-west-1.amazonses.com"]) && aws_route53_record.mail_from_spf.records == toset(["v=spf1 include:amazonses.com -all"])
    error_message = "bounces return to SES in the env's region, and SPF allows SES alone"
  }
  assert {
    condition     = one(aws_route53_record.dmarc[*].name) == "_dmarc.dev.taskapp.example.com" && one(one(aws_route53_record.dmarc[*].records)) == "v=DMARC1; p=quarantine; adkim=s; aspf=r"
    error_message = "DMARC quarantine by default, with strict DKIM alignment"
  }
  assert {
    condition     = one(aws_sesv2_configuration_set.this.delivery_options).tls_policy == "REQUIRE" && toset(one(aws_sesv2_configuration_set.this.suppression_options).suppressed_reasons) == toset(["BOUNCE", "COMPLAINT"])
    error_message = "mail leaves over TLS only, and bounced or complaining addresses are suppressed"
  }
}

run "the_smtp_user_can_only_send_from_our_address" {
  command = plan

  assert {
    condition     = toset(jsondecode(aws_iam_user_policy.send.policy).Statement[0].Action) == toset(["ses:SendEmail", "ses:SendRawEmail"]) && jsondecode(aws_iam_user_policy.send.policy).Statement[0].Effect == "Allow"
    error_message = "the SMTP user may send and nothing else"
  }
  assert {
    condition     = toset(jsondecode(aws_iam_user_policy.send.policy).Statement[0].Resource) == toset(["arn:aws:ses:eu-west-1:123456789012:identity/dev.taskapp.example.com", "arn:aws:ses:eu-west-1:123456789012:configuration-set/taskapp-test"])
    error_message = "only through the domain identity and its configuration set"
  }
  assert {
    condition     = jsondecode(aws_iam_user_policy.send.policy).Statement[0].Condition.StringEquals["ses:FromAddress"] == "no-reply@dev.taskapp.example.com"
    error_message = "only as no-reply@<domain>"
  }
  assert {
    condition     = length(jsondecode(aws_iam_user_policy.send.policy).Statement) == 1
    error_message = "one statement: no other permission rides along"
  }
}

run "the_credentials_live_in_the_apps_secret_space" {
  command = plan

  assert {
    condition     = aws_secretsmanager_secret.smtp.name == "taskapp/test/smtp" && aws_secretsmanager_secret.smtp.kms_key_id == var.kms_key_arn
    error_message = "the secret sits under the app's prefix (External Secrets may read it), encrypted with the given key"
  }
  assert {
    condition     = jsondecode(aws_secretsmanager_secret_version.smtp.secret_string).host == "email-smtp.eu-west-1.amazonaws.com" && jsondecode(aws_secretsmanager_secret_version.smtp.secret_string).port == 587 && jsondecode(aws_secretsmanager_secret_version.smtp.secret_string).from == output.from_address
    error_message = "the secret says where to connect (the region's SMTP endpoint, STARTTLS 587) and which address to send as"
  }
  assert {
    condition     = jsondecode(aws_secretsmanager_secret_version.smtp.secret_string).username == "AKIAMOCKSMTPKEY00001" && jsondecode(aws_secretsmanager_secret_version.smtp.secret_string).password == "BMockDerivedSmtpPassword0000000000000000000"
    error_message = "the SMTP username is the access key id and the password SES's derived v4 password, not the raw secret key"
  }
}

run "dmarc_can_be_left_to_the_zone" {
  command = plan
  variables {
    dmarc_policy = null
  }

  assert {
    condition     = length(aws_route53_record.dmarc) == 0
    error_message = "no DMARC record when the zone keeps its own"
  }
}

run "refuses_a_bad_domain" {
  command = plan
  variables {
    domain_name = "Dev.Example"
  }
  expect_failures = [var.domain_name]
}
