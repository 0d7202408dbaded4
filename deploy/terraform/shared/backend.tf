# Remote state in the bucket and lock table created by ../bootstrap (ADR 0008: one account, one
# state bucket, one key per root configuration).
terraform {
  backend "s3" {
    bucket         = "taskapp-terraform-state"
    key            = "shared/terraform.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "taskapp-terraform-locks"
    encrypt        = true
  }
}
