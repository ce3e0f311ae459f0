"""The `cloud` fixture (the local cloud as `make up` runs it) lives in tests/conftest.py, shared with
the contract and browser tiers."""
