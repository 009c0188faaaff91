"""Shared helpers of the commands, tools and benchmarks: prerequisites, a private
addons path, and the command lines that run Odoo on it.

The run and test commands stop at once with one line when Odoo 18.0 or PostgreSQL
is missing, never with a traceback, so that a newcomer knows what to provide.
"""

import os
import subprocess
import sys
import tempfile

ADDON_NAME = "crm_case"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(message):
    print(f"crm_case: {message}", file=sys.stderr)
    sys.exit(2)


def require_odoo():
    try:
        import odoo.release
    except ImportError:
        fail(
            "Odoo 18.0 is not importable by python3: install Odoo 18.0 from its "
            "source or packages (with its requirements.txt) so that "
            "'python3 -c \"import odoo\"' works."
        )
    if odoo.release.version_info[0] != 18:
        fail(
            f"Odoo {odoo.release.version} is importable, but crm_case needs Odoo 18.0."
        )


def require_postgresql():
    try:
        import psycopg2
    except ImportError:
        fail("psycopg2 is missing: install Odoo 18.0's requirements.txt.")
    try:
        psycopg2.connect(dbname="postgres", connect_timeout=5).close()
    except psycopg2.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        fail(
            "PostgreSQL is unreachable with the libpq defaults "
            f"({first_line}): start a server or set PGHOST/PGPORT/PGUSER."
        )


def make_addons_dir(prefix):
    """Expose the checkout to Odoo under the module's technical name."""
    addons_dir = tempfile.mkdtemp(prefix=prefix)
    os.symlink(REPO_ROOT, os.path.join(addons_dir, ADDON_NAME))
    return addons_dir


def odoo_command(database, addons_dir, command, *args, quiet=True):
    """Command line of ``odoo <command>`` on ``database`` with the private addons path.

    ``quiet`` keeps the log to warnings and starts no HTTP server, as the
    installs and shell scripts want; a server that must answer passes False.
    """
    return [
        sys.executable,
        "-m",
        "odoo",
        command,
        "--database",
        database,
        "--addons-path",
        addons_dir,
        "--data-dir",
        os.path.join(addons_dir, "data"),
        *(["--log-level", "warn", "--no-http"] if quiet else []),
        *args,
    ]


def create_database(database, addons_dir, modules):
    """Install ``modules`` without demo data in ``database``, dropping an old one."""
    subprocess.run(["dropdb", "--if-exists", database], check=True)
    subprocess.run(
        odoo_command(
            database,
            addons_dir,
            "server",
            "--init",
            ",".join(modules),
            "--without-demo",
            "all",
            "--stop-after-init",
        ),
        check=True,
    )
