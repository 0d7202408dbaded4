mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

run "immutable_scanned_encrypted_repositories" {
  command = plan

  assert {
    condition     = toset(keys(aws_ecr_repository.this)) == toset(["taskapp-backend", "taskapp-frontend"])
    error_message = "expected the taskapp-backend and taskapp-frontend repositories"
  }
  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.image_scanning_configuration[0].scan_on_push])
    error_message = "every repository must scan on push"
  }
  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.image_tag_mutability == "IMMUTABLE"])
    error_message = "tags must be immutable"
  }
  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.encryption_configuration[0].encryption_type == "KMS" && r.encryption_configuration[0].kms_key == module.kms.arn])
    error_message = "images must be encrypted with the module's KMS key"
  }
}

run "lifecycle_keeps_the_last_n_images" {
  command = plan
  variables {
    keep_last_images = 15
  }

  assert {
    condition     = alltrue([for p in aws_ecr_lifecycle_policy.this : jsondecode(p.policy).rules[1].selection.countType == "imageCountMoreThan" && jsondecode(p.policy).rules[1].selection.countNumber == 15])
    error_message = "the lifecycle must keep the last keep_last_images images"
  }
  assert {
    condition     = alltrue([for p in aws_ecr_lifecycle_policy.this : jsondecode(p.policy).rules[0].selection.tagStatus == "untagged"])
    error_message = "untagged images must expire first"
  }
}

run "rejects_keeping_zero_images" {
  command = plan
  variables {
    keep_last_images = 0
  }
  expect_failures = [var.keep_last_images]
}
