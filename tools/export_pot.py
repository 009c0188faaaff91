"""``make pot``: export i18n/crm_case.pot from a fresh database with demo data."""

import os
import subprocess
import time

from . import odoo_setup


def main():
    odoo_setup.require_odoo()
    odoo_setup.require_postgresql()
    database = f"crm_case_pot_{os.getpid()}_{int(time.time())}"
    pot_path = os.path.join(
        odoo_setup.REPO_ROOT, "i18n", f"{odoo_setup.ADDON_NAME}.pot"
    )
    with odoo_setup.private_addons("crm_case_pot_") as addons_dir:
        try:
            odoo_setup.create_database(
                database, addons_dir, [odoo_setup.ADDON_NAME], demo=True
            )
            subprocess.run(
                odoo_setup.odoo_command(
                    database,
                    addons_dir,
                    "server",
                    "--stop-after-init",
                    "--i18n-export",
                    pot_path,
                    "--modules",
                    odoo_setup.ADDON_NAME,
                ),
                check=True,
            )
        finally:
            odoo_setup.drop_database(database)
    print(f"exported {os.path.relpath(pot_path, odoo_setup.REPO_ROOT)}")


if __name__ == "__main__":
    main()
