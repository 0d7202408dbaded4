# The chaos suite (issue 16): two production replicas behind nginx on real PostgreSQL + Redis,
# faults in turn (scripts/chaos.sh, tests/chaos/run.py). Not in CHECKS yet: with the outage and
# keep-alive fixes (s16-db) only the login flood fails, which the sign-in work (s16-auth) fixes;
# it joins `make test` with that fix (about 2.5 minutes; docs/verification.md).
.PHONY: chaos
chaos: backend-sync ## chaos suite: replica kill, Redis loss, PostgreSQL crash, rolling restart, login flood; summary in artifacts/chaos/
	scripts/chaos.sh $(if $(CHAOS_SECONDS),--seconds $(CHAOS_SECONDS))
