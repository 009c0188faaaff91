"""``make pot``: export i18n/crm_case.pot from a fresh database with demo data."""

import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import odoo_setup  # noqa: E402


def odoo(*args):
    subprocess.run([sys.executable, "-m", "odoo", *args], check=True)


def main():
    odoo_setup.require_odoo()
    odoo_setup.require_postgresql()
    database = f"crm_case_pot_{os.getpid()}_{int(time.time())}"
    addons_dir = odoo_setup.make_addons_dir("crm_case_pot_")
    common = [
        "--database",
        database,
        "--addons-path",
        addons_dir,
        "--data-dir",
        os.path.join(addons_dir, "data"),
        "--log-level",
        "warn",
        "--stop-after-init",
    ]
    pot_path = os.path.join(
        odoo_setup.REPO_ROOT, "i18n", f"{odoo_setup.ADDON_NAME}.pot"
    )
    try:
        odoo(*common, "--init", odoo_setup.ADDON_NAME)
        odoo(*common, "--i18n-export", pot_path, "--modules", odoo_setup.ADDON_NAME)
    finally:
        subprocess.run(["dropdb", "--if-exists", database], check=False)
        shutil.rmtree(addons_dir, ignore_errors=True)
    print(f"exported {os.path.relpath(pot_path, odoo_setup.REPO_ROOT)}")


if __name__ == "__main__":
    main()
