# The two commands of README.rst. Odoo 18.0 must be importable by python3 and
# PostgreSQL reachable with the libpq defaults.
PYTHON ?= python3

.PHONY: run test lint pot untranslated screenshots

run:
	$(PYTHON) tools/run_product.py

# make test TAGS=/crm_case:TestCaseReport runs only those tests (no lifecycle).
test:
	$(PYTHON) tools/run_tests.py $(TAGS)

lint:
	$(PYTHON) tools/lint.py

pot:
	$(PYTHON) tools/export_pot.py

# Terms of the pot that i18n/fr.po lacks (LANG_PO=de for another language).
untranslated:
	$(PYTHON) tools/untranslated.py $(LANG_PO)

# Refresh the README's pictures with the browser tours.
screenshots:
	$(PYTHON) tools/screenshots.py
