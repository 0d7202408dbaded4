terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

# Bootstrap keeps its own (local) state: it creates the bucket the other states live in.
# After the first apply, commit nothing from here but keep terraform.tfstate safe, or migrate it
# into the new bucket with a backend "s3" block and `terraform init -migrate-state`.
provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project   = "taskapp"
      ManagedBy = "terraform"
      Stack     = "bootstrap"
    }
  }
}
