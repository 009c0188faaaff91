"""``make test``: install crm_case in a fresh database and run every test.

The last line printed is ``N passed, N failed`` (``, N skipped`` when any). A skipped
test counts as a failure of the run: Odoo skips browser tests silently when a tool is
missing, and a skipped test proves nothing. So does an error logged outside a test.
"""

import importlib.util
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time

from . import odoo_setup
from .faults import run_faults
from .fresh_checkout import run_fresh_checkout
from .lifecycle import run_lifecycle
from .stock_tests import run_stock_tests

# Python modules the tests import, with the PyPI distribution that provides each.
PYTHON_TOOLS = {
    "websocket": "websocket-client",
    "freezegun": "freezegun",
    "hypothesis": "hypothesis",
    # Odoo's crm tests format phone numbers with it (see stock_tests.py).
    "phonenumbers": "phonenumbers",
}
# Programs the tests run, with the Debian package that provides each.
DEBIAN_TOOLS = {
    "chromium": "chromium",
    "wkhtmltopdf": "wkhtmltopdf",
    "pdftotext": "poppler-utils",
    "/usr/sbin/postfix": "postfix",
}
# Odoo skips a browser test whose Chromium has not opened its devtools port within
# 10 s; on a busy two-core machine a cold start can take longer than that, and the
# skip would fail the run for no fault of the module.
BROWSER_START_SECONDS = 60


class UnexpectedErrorCounter(logging.Handler):
    """Count errors logged outside a test verdict (a broken view, a failing hook)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.count = 0

    def emit(self, record):
        if not str(record.msg).startswith("%s: %s\n%s"):
            self.count += 1


class SkipCollector(logging.Handler):
    """Keep which tests were skipped and why, to name them beside the summary."""

    def __init__(self):
        super().__init__(level=logging.INFO)
        self.skips = []

    def emit(self, record):
        if str(record.msg).startswith("skipped %s : %s"):
            self.skips.append(record.getMessage())


def install_missing_tools():
    missing_python = [
        dist
        for module, dist in PYTHON_TOOLS.items()
        if importlib.util.find_spec(module) is None
    ]
    if missing_python:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", *missing_python],
            check=True,
        )
    missing_debian = sorted(
        {
            package
            for program, package in DEBIAN_TOOLS.items()
            if not shutil.which(program)
        }
    )
    if missing_debian and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *missing_debian], check=True, env=env
        )
    still_missing = [p for p in DEBIAN_TOOLS if not shutil.which(p)]
    if still_missing:
        odoo_setup.fail(
            "missing test programs: "
            + ", ".join(still_missing)
            + " (install the Debian packages "
            + ", ".join(DEBIAN_TOOLS[p] for p in still_missing)
            + ")."
        )


def check_wheel_builds():
    """Build the OCA-style wheel from the tracked files, under the addon's name.

    :return: an error message, or None when ``odoo-addon-crm_case`` was built
    """
    build_dir = tempfile.mkdtemp(prefix="crm_case_wheel_")
    try:
        addon_dir = os.path.join(build_dir, odoo_setup.ADDON_NAME)
        files = (
            subprocess.run(
                ["git", "ls-files", "-z"],
                cwd=odoo_setup.REPO_ROOT,
                capture_output=True,
                check=True,
            )
            .stdout.decode()
            .split("\0")
        )
        for name in filter(None, files):
            target = os.path.join(addon_dir, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(os.path.join(odoo_setup.REPO_ROOT, name), target)
        wheel_dir = os.path.join(build_dir, "dist")
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--no-deps",
                "--wheel-dir",
                wheel_dir,
                addon_dir,
            ],
            capture_output=True,
            text=True,
        )
        wheels = os.listdir(wheel_dir) if os.path.isdir(wheel_dir) else []
        if result.returncode or not any(
            wheel.startswith("odoo_addon_crm_case-") for wheel in wheels
        ):
            return f"the wheel did not build: {result.stderr.strip()[-500:]}"
        return None
    finally:
        shutil.rmtree(build_dir, ignore_errors=True)


def run_odoo(database, addons_dir, test_tags):
    from odoo.cli.server import main as odoo_main
    from odoo.tools import config

    # The options below enable the tests too; set it first, so that Odoo's test
    # framework, imported here, does not log that it is imported out of a test run.
    config["test_enable"] = True
    from odoo.tests import common as odoo_test_common

    odoo_test_common.CHECK_BROWSER_ITERATIONS = round(
        BROWSER_START_SECONDS / odoo_test_common.CHECK_BROWSER_SLEEP
    )

    options = odoo_setup.odoo_options(
        database,
        addons_dir,
        *odoo_setup.test_run_options([odoo_setup.ADDON_NAME], test_tags),
        quiet=False,
    )
    try:
        odoo_main(options)
    except SystemExit as stop:
        return stop.code or 0
    return 0


def main(argv):
    # A developer may narrow the run to some tests (Odoo's --test-tags syntax,
    # e.g. "/crm_case:TestCaseReport"); the packaging and lifecycle checks then
    # stay out, so that only the full run speaks for the whole module.
    test_tags = argv[0] if argv else f"/{odoo_setup.ADDON_NAME}"
    odoo_setup.require_odoo()
    odoo_setup.require_postgresql()
    install_missing_tools()
    database = f"crm_case_test_{os.getpid()}_{int(time.time())}"
    counter = UnexpectedErrorCounter()
    logging.getLogger().addHandler(counter)
    skips = SkipCollector()
    logging.getLogger().addHandler(skips)
    with odoo_setup.private_addons("crm_case_test_") as addons_dir:
        try:
            exit_code = run_odoo(database, addons_dir, test_tags)
            from odoo.modules.registry import Registry

            registry = Registry.registries.get(database)
            report = registry and registry._assertion_report
        finally:
            odoo_setup.drop_database(database)
    if not report or not report.testsRun:
        print("0 passed, 1 failed")
        print("crm_case: no test ran (the module did not install).", file=sys.stderr)
        return 1
    failed = report.failures_count + report.errors_count
    passed = report.testsRun - failed - report.skipped
    extra_checks = (
        []
        if argv
        else [
            ("packaging", check_wheel_builds()),
            *run_lifecycle(),
            *run_faults(),
            # Issue 18: stock Odoo unchanged, and a fresh machine set up.
            *run_stock_tests(),
            *run_fresh_checkout(),
        ]
    )
    for name, error in extra_checks:
        if error:
            print(f"crm_case: FAIL {name}: {error}", file=sys.stderr)
            failed += 1
        else:
            print(f"crm_case: ok {name}")
            passed += 1
    if counter.count and not failed:
        print(
            f"crm_case: {counter.count} error(s) logged outside tests.", file=sys.stderr
        )
        failed += 1
    for skip in skips.skips:
        print(f"crm_case: FAIL {skip}", file=sys.stderr)
    summary = f"{passed} passed, {failed} failed"
    if report.skipped:
        summary += f", {report.skipped} skipped"
    print(summary)
    return 1 if (failed or report.skipped or exit_code) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
