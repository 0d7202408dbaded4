# Remote state in the bucket and lock table created by ../../bootstrap.
terraform {
  backend "s3" {
    bucket         = "taskapp-terraform-state"
    key            = "envs/prod/terraform.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "taskapp-terraform-locks"
    encrypt        = true
  }
}
