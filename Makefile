# Two commands on a fresh machine: `make demo` and `make test`. Both create/update .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The ONNX encoder is built from the pinned model package (not committed: ~110 MB); its files are hash-checked.
ENCODER := layers/ml/segmentation/text/encoder/encoder.json
# The audience builder's record sets (GSS panel, ZCTAs) are converted from ../shared at set-up (~26 MB, ignored).
RECORDS := layers/ml/segmentation/audiences/records/panel/manifest.json
# The audience variable catalog (ACS + GSS) and its search indexes, built from pinned sources (not committed).
CATALOG := layers/ml/segmentation/audiences/catalog_index/manifest.json
export AWS_DEFAULT_REGION ?= us-east-1
export STACK_NAME ?= audience-segmentation

.PHONY: venv encoder catalog records demo up test test-unit test-integration test-e2e test-contract test-browser lint bench fire lock clean package layers-host token fuzz load vendor-console publish-console

venv: $(STAMP)

# Reinstalls only when the dependency declarations change.
$(STAMP): pyproject.toml requirements/constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	touch $(STAMP)

encoder: $(ENCODER)

# Rebuilt when the export recipe or its calibration corpora change; scripts/build_encoder.py skips an up-to-date one.
$(ENCODER): $(STAMP) layers/ml/segmentation/text/encoder_export.py models/corpus/esco_occupations.jsonl models/corpus/usajobs_ads.jsonl
	$(BIN)/python scripts/build_encoder.py
	@touch $(ENCODER)

records: $(RECORDS)

$(RECORDS): scripts/build_audience_records.py | $(STAMP)
	$(BIN)/python scripts/build_audience_records.py

# Rebuilt when the build code changes; scripts/build_catalog.py itself skips an up-to-date catalog.
catalog: $(CATALOG)

$(CATALOG): $(ENCODER) scripts/build_catalog.py layers/ml/segmentation/audiences/catalog_build.py layers/ml/segmentation/audiences/lexical.py
	$(BIN)/python scripts/build_catalog.py
	@touch $(CATALOG)

demo: venv encoder catalog records
	$(BIN)/python scripts/demo.py

# The local cloud import-checks every function against its layers as built for Lambda, with host wheels
# (.aws-sam/host, rebuilt only when the template, layers, functions or lock change).
up: venv encoder catalog records layers-host
	LOCALCLOUD_LAYER_BUILD=.aws-sam/host $(BIN)/python -m localcloud up --seed-model models/text/default

layers-host: venv encoder catalog records
	$(BIN)/python scripts/package.py --host --build-dir .aws-sam/host --if-changed --skip-import-check

# Fire a scheduled rule on the running local cloud: make fire RULE=audience-segmentation-nightly-retrain
fire: venv
	$(BIN)/python -m localcloud fire $(RULE)

# A demo user's access token on the running local cloud (last line): make token ROLE=read|write|admin
ROLE ?= admin
token: venv
	@$(BIN)/python -m localcloud token --role $(ROLE)

# Build every function and layer for Lambda (python3.12, the template's architecture) into .aws-sam/build,
# with sizes against the 250 MB limit (fails when one is over). Then: sam deploy --guided (docs/operations.md).
package: venv encoder catalog records
	$(BIN)/python scripts/package.py

# Schemathesis against docs/openapi.json on a local cloud, longer than the bounded run inside make test.
FUZZ_EXAMPLES ?= 150
fuzz: venv encoder catalog records
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q tests/fuzz

# 16 clients for 60 s on loopback against a local cloud it starts and stops; checks no write was lost.
load: venv encoder catalog records
	$(BIN)/python benchmarks/load.py

test: venv encoder catalog records
	$(BIN)/cfn-lint template.yaml
	$(BIN)/python -m pytest -q

test-unit: venv encoder catalog records
	$(BIN)/python -m pytest -q tests/unit

test-integration: venv encoder catalog records
	$(BIN)/python -m pytest -q tests/integration

test-e2e: venv encoder catalog records
	$(BIN)/python -m pytest -q tests/e2e

# The seeds' documented requests over HTTP against the local cloud (docs/seed-contracts.md); `make test` runs them too.
test-contract: venv encoder catalog records
	$(BIN)/python -m pytest -q tests/contract

# The web console in headless Chromium (apt-get install -y chromium); skipped with a message without it.
test-browser: venv encoder
	$(BIN)/python -m pytest -q tests/browser

# Re-vendor the console's pinned npm libraries (preact, htm, Chart.js) into console/vendor/ with their licences.
vendor-console:
	scripts/vendor_console.sh

# After `sam deploy`: upload console/ and its config.json (API URL, sign-in) to the console bucket, invalidate CloudFront.
publish-console: venv
	$(BIN)/python scripts/publish_console.py --stack-name $(STACK_NAME)

lint: venv
	$(BIN)/cfn-lint template.yaml
	$(BIN)/ruff check .

bench: venv encoder catalog records
	$(BIN)/python benchmarks/run.py

# Refresh the lock after changing dependencies in pyproject.toml.
lock: venv
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' | sed 's/+cpu$$//' > requirements/constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache
