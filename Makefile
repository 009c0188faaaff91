# The two commands of README.rst. When $(PYTHON) does not import Odoo 18.0 or no
# PostgreSQL server answers the libpq defaults, they set it up in .setup/ first.
PYTHON ?= python3

.PHONY: run test lint pot untranslated screenshots

run:
	$(PYTHON) -m tools.run_product

# make test TAGS=/crm_case:TestCaseReport runs only those tests (no lifecycle).
test:
	$(PYTHON) -m tools.run_tests $(TAGS)

lint:
	$(PYTHON) -m tools.lint

pot:
	$(PYTHON) -m tools.export_pot

# Terms of the pot that i18n/fr.po lacks (LANG_PO=de for another language).
untranslated:
	$(PYTHON) -m tools.untranslated $(LANG_PO)

# Refresh the README's pictures with the browser tours.
screenshots:
	$(PYTHON) -m tools.screenshots
