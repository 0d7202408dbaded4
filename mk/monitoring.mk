# Monitoring (deploy/monitoring): Prometheus rules + promtool tests, Grafana dashboards generated
# from code, Alertmanager config and routing, the platform wiring (scrapes, secrets, logs, Loki),
# and a live check of rules + metrics against a running backend.
MONITORING_LIVE_PORTS ?= TASKAPP_PG_PORT=55532 TASKAPP_REDIS_PORT=56479

CHECKS += monitoring-rules monitoring-dashboards monitoring-alertmanager monitoring-platform monitoring-live

.PHONY: monitoring-rules monitoring-dashboards monitoring-dashboards-generate monitoring-alertmanager monitoring-platform monitoring-live
monitoring-rules: ## promtool check/test the Prometheus rules; runbooks, annotations, metric names
	scripts/monitoring-rules.sh

monitoring-dashboards: ## regenerate the Grafana dashboards, fail on drift, promtool-check every panel query
	scripts/monitoring-dashboards.sh check

monitoring-dashboards-generate: ## rewrite deploy/monitoring/dashboards/*.json from generate.py
	scripts/monitoring-dashboards.sh write

monitoring-alertmanager: ## amtool check-config + routing tests; inhibition on a real Alertmanager
	scripts/monitoring-alertmanager.sh

monitoring-platform: ## per env: alert metrics scraped, EKS monitors off, Grafana secret, retention, Fargate logs, Loki/Alloy, waves
	scripts/monitoring-platform.sh

monitoring-live: ## real Prometheus scraping a real backend (PostgreSQL, Redis): metrics, labels, SLO rules
	$(MONITORING_LIVE_PORTS) scripts/monitoring-live.sh
