# Shared mock values for `mock_provider "aws" { source = "../../tests/mocks" }` in every test.
# A mocked provider invents random strings for computed attributes; the provider's own validation
# rejects those where an ARN is expected, and data sources need realistic values (account, region,
# partition). Everything here is a fixed, well-formed fake in account 123456789012, eu-west-1.

mock_data "aws_region" {
  defaults = {
    name        = "eu-west-1"
    description = "Europe (Ireland)"
  }
}

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:user/terraform"
    user_id    = "AIDAMOCKUSER"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition          = "aws"
    dns_suffix         = "amazonaws.com"
    reverse_dns_prefix = "com.amazonaws"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/mock-role"
  }
}

mock_resource "aws_iam_policy" {
  defaults = {
    arn = "arn:aws:iam::123456789012:policy/mock-policy"
  }
}

mock_resource "aws_iam_openid_connect_provider" {
  defaults = {
    arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/MOCK"
  }
}

mock_resource "aws_kms_key" {
  defaults = {
    arn    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    key_id = "11111111-2222-3333-4444-555555555555"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:mock"
  }
}

mock_resource "aws_s3_bucket" {
  defaults = {
    arn = "arn:aws:s3:::mock-bucket"
  }
}

mock_resource "aws_secretsmanager_secret" {
  defaults = {
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mock-AbCdEf"
  }
}

mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:eu-west-1:123456789012:mock"
  }
}

mock_resource "aws_ecr_repository" {
  defaults = {
    arn            = "arn:aws:ecr:eu-west-1:123456789012:repository/mock"
    repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mock"
  }
}

mock_resource "aws_eks_cluster" {
  defaults = {
    arn                   = "arn:aws:eks:eu-west-1:123456789012:cluster/mock"
    endpoint              = "https://MOCK.gr7.eu-west-1.eks.amazonaws.com"
    identity              = [{ oidc = [{ issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/MOCK" }] }]
    certificate_authority = [{ data = "bW9jaw==" }]
    vpc_config            = { cluster_security_group_id = "sg-0mockcluster", vpc_id = "vpc-0mock" }
  }
}

mock_resource "aws_db_instance" {
  defaults = {
    arn                = "arn:aws:rds:eu-west-1:123456789012:db:mock"
    address            = "mock.abcdefghijkl.eu-west-1.rds.amazonaws.com"
    endpoint           = "mock.abcdefghijkl.eu-west-1.rds.amazonaws.com:5432"
    master_user_secret = [{ kms_key_id = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555", secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-mock-AbCdEf", secret_status = "active" }]
  }
}

mock_resource "aws_elasticache_replication_group" {
  defaults = {
    arn                      = "arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:mock"
    primary_endpoint_address = "master.mock.abcdef.euw1.cache.amazonaws.com"
    reader_endpoint_address  = "replica.mock.abcdef.euw1.cache.amazonaws.com"
  }
}

mock_resource "aws_db_parameter_group" {
  defaults = {
    arn = "arn:aws:rds:eu-west-1:123456789012:pg:mock"
  }
}

mock_resource "aws_dynamodb_table" {
  defaults = {
    arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/mock"
  }
}

mock_resource "aws_eks_node_group" {
  defaults = {
    arn = "arn:aws:eks:eu-west-1:123456789012:nodegroup/mock/mock/mock"
  }
}

mock_resource "aws_eks_fargate_profile" {
  defaults = {
    arn = "arn:aws:eks:eu-west-1:123456789012:fargateprofile/mock/mock/mock"
  }
}

mock_resource "aws_launch_template" {
  defaults = {
    id             = "lt-0123456789abcdef0"
    arn            = "arn:aws:ec2:eu-west-1:123456789012:launch-template/lt-0123456789abcdef0"
    latest_version = 1
  }
}

# Types without fixed values: listed so that, with override_during = plan, their computed
# attributes (ids) get distinct fake values at plan time and tests can compare references.
mock_resource "aws_vpc" {}
mock_resource "aws_subnet" {}
mock_resource "aws_nat_gateway" {}
mock_resource "aws_eip" {}
mock_resource "aws_route_table" {}
mock_resource "aws_internet_gateway" {}
mock_resource "aws_security_group" {}

mock_data "aws_secretsmanager_random_password" {
  defaults = {
    random_password = "MockPassword0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
  }
}

mock_data "aws_secretsmanager_secret_version" {
  defaults = {
    secret_string = "{\"username\":\"taskapp\",\"password\":\"mock-master-password\"}"
  }
}

mock_resource "aws_secretsmanager_secret_version" {}
mock_resource "aws_db_subnet_group" {}
mock_resource "aws_elasticache_subnet_group" {}

# The repositories of ../../shared, as environments look them up.
mock_data "aws_ecr_repository" {
  defaults = {
    arn            = "arn:aws:ecr:eu-west-1:123456789012:repository/mock"
    registry_id    = "123456789012"
    repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mock"
  }
}

mock_data "aws_elb_service_account" {
  defaults = {
    arn = "arn:aws:iam::156460612806:root"
  }
}

mock_data "aws_route53_zone" {
  defaults = {
    zone_id      = "Z0MOCKZONE"
    arn          = "arn:aws:route53:::hostedzone/Z0MOCKZONE"
    name_servers = ["ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk", "ns-3.awsdns-03.com", "ns-4.awsdns-04.net"]
  }
}

mock_resource "aws_route53_zone" {
  defaults = {
    zone_id      = "Z0MOCKNEWZONE"
    arn          = "arn:aws:route53:::hostedzone/Z0MOCKNEWZONE"
    name_servers = ["ns-5.awsdns-05.org", "ns-6.awsdns-06.co.uk", "ns-7.awsdns-07.com", "ns-8.awsdns-08.net"]
  }
}

mock_resource "aws_acm_certificate" {
  defaults = {
    arn                       = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    domain_validation_options = [{ domain_name = "mock.example.com", resource_record_name = "_mock.mock.example.com.", resource_record_type = "CNAME", resource_record_value = "_mock.acm-validations.aws." }]
  }
}

mock_resource "aws_acm_certificate_validation" {
  defaults = {
    certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  }
}

mock_resource "aws_wafv2_web_acl" {
  defaults = {
    arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/mock/11111111-2222-3333-4444-555555555555"
  }
}

mock_resource "aws_cloudfront_distribution" {
  defaults = {
    arn            = "arn:aws:cloudfront::123456789012:distribution/EMOCKDISTRIBUTION"
    domain_name    = "dmock.cloudfront.net"
    hosted_zone_id = "Z2FDTNDATAQYW2"
  }
}

mock_resource "aws_cloudfront_function" {
  defaults = {
    arn = "arn:aws:cloudfront::123456789012:function/mock"
  }
}
mock_resource "aws_cloudfront_cache_policy" {}
mock_resource "aws_cloudfront_origin_access_control" {}
mock_data "aws_cloudfront_cache_policy" {}
mock_data "aws_cloudfront_origin_request_policy" {}
mock_data "aws_cloudfront_response_headers_policy" {}
