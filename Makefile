# The two commands of README.rst. When $(PYTHON) does not import Odoo 18.0 or no
# PostgreSQL server answers the libpq defaults, they set it up in .setup/ first.
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
