# The online-upgrade rehearsal (issue 18): the previous release serves a steady load on real
# PostgreSQL holding 100,000 of its tasks while this tree's migrations run, then the downgrade
# (scripts/upgrade-test.sh, tests/upgrade/run.py, docs/verification.md). About 1.5 minutes.
# UPGRADE_FROM is the previous release (c7676db: migrations up to 0005; this tree adds 0006-0016):
# move it forward at each release. It must be in the clone
# (a shallow clone fails with a message saying so).
UPGRADE_FROM ?= c7676db6e383174e52ae08080fc039c262078ffd
CHECKS += upgrade-test

.PHONY: upgrade-test
upgrade-test: backend-sync ## online upgrade from UPGRADE_FROM under load on PostgreSQL, then the downgrade; summary in artifacts/upgrade/
	scripts/upgrade-test.sh $(UPGRADE_FROM)
