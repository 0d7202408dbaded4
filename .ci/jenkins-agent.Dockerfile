# The Jenkins agent for the Jenkinsfile's CI stages: what ci.yml's jobs get from the
# python:3.11-bookworm container plus .github/actions/setup (Node.js 20) and
# hashicorp/setup-terraform (the base image's Terraform 1.11.4). Everything else (PostgreSQL,
# Redis, Chromium, promtool, helm, ...) is installed by the project's own scripts, as on GitHub.
FROM node:20.19.5-bookworm-slim AS node
FROM hashicorp/terraform:1.11.4 AS terraform

FROM python:3.11-bookworm
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
COPY --from=terraform /bin/terraform /usr/local/bin/terraform
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends unzip=6.* openssl=3.* \
 && rm -rf /var/lib/apt/lists/*
