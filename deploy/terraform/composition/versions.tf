terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region = var.aws_region

  # Every resource carries these; the budget filters on Environment.
  default_tags {
    tags = {
      Project     = "taskapp"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

# CloudFront's certificate and WAF (modules/edge) must live in us-east-1.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = {
      Project     = "taskapp"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}
