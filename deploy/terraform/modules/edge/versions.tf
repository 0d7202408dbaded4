terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.80, < 6.0"
      # CloudFront's certificate and WAF live in us-east-1 whatever the env's region.
      configuration_aliases = [aws.us_east_1]
    }
  }
}
