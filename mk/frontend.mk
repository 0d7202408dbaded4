# Web app (React + TypeScript in frontend/): install, build, lint, unit tests, API client drift, e2e.
WEB := $(ROOT)/frontend
WEB_INSTALL_STAMP := $(WEB)/node_modules/.taskapp-install-stamp
WEB_BUILD_STAMP := $(WEB)/dist/.build-stamp
# Everything the production build reads; `make run` rebuilds only when one of these changed.
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/public -type f ! -name "*.test.*" ! -path "*/src/test/*" 2>/dev/null) \
  $(wildcard $(WEB)/index.html $(WEB)/vite.config.ts $(WEB)/tsconfig.json $(WEB)/package-lock.json)

CHECKS += web-lint web-test web-api-check web-build web-e2e web-lighthouse
LINTS += web-lint
FMTS += web-fmt
CLEANS += web-clean
RUN_PREREQS += web-build

.PHONY: web-install web-build web-lint web-fmt web-test web-api-check web-e2e web-lighthouse web-dev web-clean

web-install: $(WEB_INSTALL_STAMP) ## install the web app's locked npm dependencies (npm ci)

$(WEB_INSTALL_STAMP): $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web-build: $(WEB_BUILD_STAMP) ## production build into frontend/dist (only when stale, .br/.gz siblings) + initial routes <= 150 kB gzipped
	@node $(WEB)/scripts/bundle-size.mjs $(WEB)/dist

$(WEB_BUILD_STAMP): $(WEB_INSTALL_STAMP) $(WEB_SOURCES)
	cd $(WEB) && npx vite build --logLevel warn
	@touch $@

web-lint: web-install ## ESLint, Prettier check, tsc --noEmit (strict)
	cd $(WEB) && npx eslint . --max-warnings=0
	cd $(WEB) && npx prettier --check --log-level warn .
	cd $(WEB) && npx tsc --noEmit -p .

web-fmt: web-install ## format the web app in place (Prettier, ESLint --fix)
	cd $(WEB) && npx prettier --write --log-level warn . && npx eslint . --fix

web-test: web-install ## Vitest + Testing Library (components, hooks, session refresh, filters, rollback), shuffled, on today's clock and on one in another year
	scripts/web-test.sh

web-api-check: web-install backend-sync ## regenerate the typed API client from the backend's OpenAPI; fail on drift
	scripts/web-api-client.sh --check

web-api-gen: web-install backend-sync ## regenerate frontend/src/api/schema.d.ts from the backend's OpenAPI
	scripts/web-api-client.sh

web-e2e: web-build backend-sync ## Playwright in Debian's Chromium against the real backend (fresh SQLite per run)
	scripts/e2e-web.sh

web-lighthouse: web-build backend-sync ## Lighthouse (mobile, Debian's Chromium) on /login, /tasks and /today as make run serves them: median of 3 >= 90 Performance, 100 Accessibility
	scripts/lighthouse.sh

web-dev: web-install ## Vite dev server on :5173, proxying /api to the backend on :8000
	cd $(WEB) && npx vite

web-clean:
	rm -rf $(WEB)/dist $(WEB)/test-results
