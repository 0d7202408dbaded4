# The account-wide parts (ADR 0008): the one registry and the CI role. Applied once, after
# ../bootstrap and before any envs/<env>.
aws_region        = "eu-west-1"
github_repository = "taskapp/taskapp" # the repository the Argo CD applications sync from
