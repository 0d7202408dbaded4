# Python everywhere (backend/, scripts/, loadtest/, bench/, tests/, deploy/): one ruff
# configuration, the root ruff.toml, run from the root with the backend's locked ruff.
CHECKS += python-lint
LINTS += python-lint
FMTS += python-fmt

.PHONY: python-lint python-fmt
python-lint: backend-sync ## ruff check + format --check of every Python file in the repository (root ruff.toml)
	scripts/python-lint.sh

python-fmt: backend-sync ## ruff format + safe fixes over every Python file in the repository
	scripts/python-lint.sh --fix
