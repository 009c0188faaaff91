"""``make run``: serve crm_case with demo data on the database crm_case_demo."""

import os

from . import odoo_setup

DATABASE = os.environ.get("CRM_CASE_DB", "crm_case_demo")


def database_has_module(name):
    import psycopg2

    try:
        connection = psycopg2.connect(dbname=name)
    except psycopg2.OperationalError:
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('ir_module_module') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return False
            cursor.execute(
                "SELECT state FROM ir_module_module WHERE name = %s",
                [odoo_setup.ADDON_NAME],
            )
            row = cursor.fetchone()
            return bool(row and row[0] == "installed")
    finally:
        connection.close()


def main():
    odoo_setup.require_odoo()
    odoo_setup.require_postgresql()
    addons_dir = odoo_setup.make_addons_dir("crm_case_run_")
    args = odoo_setup.odoo_options(
        DATABASE,
        addons_dir,
        "--http-port",
        os.environ.get("CRM_CASE_PORT", "8069"),
        "--db-filter",
        f"^{DATABASE}$",
        quiet=False,
        # The demo database lives on from run to run: so must its files.
        keep_files=True,
    )
    if database_has_module(DATABASE):
        # Later runs keep the data and bring the module up to the checkout.
        args += ["--update", odoo_setup.ADDON_NAME]
    else:
        # First run: install with demo data (Odoo 18 loads it by default).
        args += ["--init", odoo_setup.ADDON_NAME]
    from odoo.cli.server import main as odoo_main

    odoo_main(args)


if __name__ == "__main__":
    main()
