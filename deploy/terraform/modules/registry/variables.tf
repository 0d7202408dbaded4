variable "repositories" {
  description = "ECR repository names."
  type        = list(string)
  default     = ["taskapp-backend", "taskapp-frontend"]

  validation {
    condition     = length(var.repositories) > 0 && alltrue([for r in var.repositories : can(regex("^[a-z0-9]+([._/-][a-z0-9]+)*$", r))])
    error_message = "repositories must be valid ECR repository names."
  }
}

variable "keep_last_images" {
  description = "Tagged images to keep per repository (older ones are expired); untagged images go after 7 days."
  type        = number
  default     = 30

  validation {
    condition     = var.keep_last_images >= 1 && var.keep_last_images <= 1000
    error_message = "keep_last_images must be between 1 and 1000."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
