"""Lint with the OCA settings: ruff and pylint-odoo's mandatory checks, pinned."""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import odoo_setup  # noqa: E402

TOOLS = ["ruff==0.1.3", "pylint-odoo==9.0.4"]


def installed(requirement):
    name, version = requirement.split("==")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "show", name], capture_output=True, text=True
    )
    return f"Version: {version}" in result.stdout


def main():
    missing = [tool for tool in TOOLS if not installed(tool)]
    if missing:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True
        )
    root = odoo_setup.REPO_ROOT
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", root])
    # pylint-odoo reads the module name from its folder: lint it as crm_case.
    addons_dir = odoo_setup.make_addons_dir("crm_case_lint_")
    try:
        pylint = subprocess.run(
            [
                sys.executable,
                "-m",
                "pylint",
                f"--rcfile={os.path.join(root, '.pylintrc-mandatory')}",
                os.path.join(addons_dir, odoo_setup.ADDON_NAME),
            ],
            cwd=addons_dir,
        )
    finally:
        shutil.rmtree(addons_dir, ignore_errors=True)
    if ruff.returncode or pylint.returncode:
        print("lint: failed", file=sys.stderr)
        return 1
    print("lint: ruff and pylint-odoo found nothing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
