"""Stock Odoo unchanged: Odoo's own tests of the mail gateway, the mail aliases
and the crm leads give the same results with crm_case installed as without.

crm_case overrides ``mail.thread`` and ``fetchmail.server``, which every model's
mail goes through. Each side first installs its base (crm_case's dependencies,
or crm_case itself), then installs crm and test_mail with their tests, so that
the tests run on a registry that already holds crm_case on the second side.
"""

import os
import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from . import odoo_setup

# Odoo's test classes compared, as --test-tags.
STOCK_TEST_CLASSES = [
    "/test_mail:TestEmailParsing",
    "/test_mail:TestMailgateway",
    "/test_mail:TestMailThreadCC",
    "/test_mail:TestMailAlias",
    "/test_mail:TestAliasCompany",
    "/test_mail:TestMailAliasDomain",
    "/test_mail:TestMailAliasMixin",
    "/crm:TestCRMLead",
    "/crm:NewLeadNotification",
    "/crm:TestCRMLeadMultiCompany",
]
TESTED_MODULES = ["crm", "test_mail"]
# The base of each side: crm_case's dependencies, or crm_case.
SIDES = {"without crm_case": ["mail", "portal"], "with crm_case": ["crm_case"]}

STARTING = re.compile(r" (odoo\.addons\.[\w.]+): Starting (\S+) \.\.\.\s*$")
FAILED = re.compile(r" (odoo\.addons\.[\w.]+): (FAIL|ERROR): (?:Subtest )?(\S+)")
SKIPPED = re.compile(r" (odoo\.addons\.[\w.]+): skipped (\S+) :")


def test_outcomes(log):
    """``{module logger: test}`` → ok, FAIL, ERROR or skipped, read from the log."""
    outcomes = {}
    for line in log.splitlines():
        if match := STARTING.search(line):
            outcomes[f"{match[1]}:{match[2]}"] = "ok"
        elif match := FAILED.search(line):
            outcomes[f"{match[1]}:{match[3]}"] = match[2]
        elif match := SKIPPED.search(line):
            outcomes[f"{match[1]}:{match[2]}"] = "skipped"
    return outcomes


def run_side(name, base_modules, addons_dir):
    """Install the side's base, then the tested modules with their tests."""
    database = f"crm_case_stock_{os.getpid()}_{name.split()[0]}"
    log_path = os.path.join(addons_dir, f"stock-{name.split()[0]}.log")
    try:
        subprocess.run(
            odoo_setup.odoo_command(
                database,
                addons_dir,
                "server",
                "--init",
                ",".join(base_modules),
                "--stop-after-init",
            ),
            check=True,
            capture_output=True,
        )
        result = subprocess.run(
            odoo_setup.odoo_command(
                database,
                addons_dir,
                "server",
                *odoo_setup.test_run_options(
                    TESTED_MODULES, ",".join(STOCK_TEST_CLASSES)
                ),
                quiet=False,
            ),
            capture_output=True,
            text=True,
            check=False,
        )
        with open(log_path, "w", encoding="utf-8") as log:
            log.write(result.stdout + result.stderr)
        return test_outcomes(result.stdout + result.stderr)
    finally:
        subprocess.run(["dropdb", "--if-exists", database], check=False)


def compare(without, with_crm_case):
    """An error message, or None when both sides ran the same tests alike."""
    if not without:
        return "no stock test ran without crm_case"
    differences = [
        f"{test}: {without.get(test, 'not run')} without crm_case, "
        f"{with_crm_case.get(test, 'not run')} with it"
        for test in sorted(set(without) | set(with_crm_case))
        if without.get(test) != with_crm_case.get(test)
    ]
    if differences:
        return f"{len(differences)} differ: " + "; ".join(differences[:10])
    return None


def summary(outcomes):
    counts = {}
    for outcome in outcomes.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    return ", ".join(f"{count} {outcome}" for outcome, count in sorted(counts.items()))


def run_stock_tests():
    """Yield ``("stock Odoo unchanged", error)``, error None when the same."""
    addons_dir = odoo_setup.make_addons_dir("crm_case_stock_")
    start = time.monotonic()
    try:
        # Both sides at once: each mostly waits on its own database.
        with ThreadPoolExecutor(len(SIDES)) as pool:
            futures = [
                pool.submit(run_side, side, base, addons_dir)
                for side, base in SIDES.items()
            ]
            without, with_crm_case = (future.result() for future in futures)
    except subprocess.CalledProcessError as error:
        yield "stock Odoo unchanged", f"a base did not install: {error}"
        return
    finally:
        shutil.rmtree(addons_dir, ignore_errors=True)
    print(
        f"crm_case: stock tests in {time.monotonic() - start:.0f} s: "
        f"{summary(without)} without crm_case, {summary(with_crm_case)} with it"
    )
    yield "stock Odoo unchanged", compare(without, with_crm_case)


if __name__ == "__main__":
    for name, error in run_stock_tests():
        print(f"{name}: {error or 'ok'}")
