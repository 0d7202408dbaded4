# A test-only configuration: tests/estate.tftest.hcl plans every root configuration that shares
# the AWS account (ADR 0008: one account, one registry, one state bucket) side by side and checks
# they fit together. Nothing here is ever applied.
terraform {
  required_version = ">= 1.11"
}
