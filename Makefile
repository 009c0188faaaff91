# The two commands of README.rst. Odoo 18.0 must be importable by python3 and
# PostgreSQL reachable with the libpq defaults.
PYTHON ?= python3

.PHONY: run test lint pot

run:
	$(PYTHON) tools/run_product.py

test:
	$(PYTHON) tools/run_tests.py

lint:
	$(PYTHON) tools/lint.py

pot:
	$(PYTHON) tools/export_pot.py
