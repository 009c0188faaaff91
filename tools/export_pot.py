"""``make pot``: export i18n/crm_case.pot from a fresh database with demo data."""

import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import odoo_setup  # noqa: E402


def odoo(database, addons_dir, *args):
    subprocess.run(
        odoo_setup.odoo_command(
            database, addons_dir, "server", "--stop-after-init", *args
        ),
        check=True,
    )


def main():
    odoo_setup.require_odoo()
    odoo_setup.require_postgresql()
    database = f"crm_case_pot_{os.getpid()}_{int(time.time())}"
    addons_dir = odoo_setup.make_addons_dir("crm_case_pot_")
    pot_path = os.path.join(
        odoo_setup.REPO_ROOT, "i18n", f"{odoo_setup.ADDON_NAME}.pot"
    )
    try:
        odoo(database, addons_dir, "--init", odoo_setup.ADDON_NAME)
        odoo(
            database,
            addons_dir,
            "--i18n-export",
            pot_path,
            "--modules",
            odoo_setup.ADDON_NAME,
        )
    finally:
        subprocess.run(["dropdb", "--if-exists", database], check=False)
        shutil.rmtree(addons_dir, ignore_errors=True)
    print(f"exported {os.path.relpath(pot_path, odoo_setup.REPO_ROOT)}")


if __name__ == "__main__":
    main()
