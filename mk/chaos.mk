# The chaos suite (issue 16): two production replicas behind nginx on real PostgreSQL + Redis,
# faults in turn (scripts/chaos.sh, tests/chaos/run.py): replica kill -9, Redis loss, PostgreSQL
# crash, rolling SIGTERM restart, login flood. About two minutes (docs/verification.md).
CHECKS += chaos

.PHONY: chaos
chaos: backend-sync ## chaos suite: replica kill, Redis loss, PostgreSQL crash, rolling restart, login flood; summary in artifacts/chaos/
	scripts/chaos.sh $(if $(CHAOS_SECONDS),--seconds $(CHAOS_SECONDS))
