"""Lint with the OCA settings: ruff and pylint-odoo's mandatory checks, pinned."""

import os
import subprocess
import sys

from . import odoo_setup

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
    with odoo_setup.private_addons("crm_case_lint_") as addons_dir:
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
    if ruff.returncode or pylint.returncode:
        print("lint: failed", file=sys.stderr)
        return 1
    print("lint: ruff and pylint-odoo found nothing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
