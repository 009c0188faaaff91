"""Shared helpers of the commands, tools and benchmarks: prerequisites, a private
addons path, and the command lines that run Odoo on it.

When Odoo 18.0 or PostgreSQL is missing, the run and test commands set it up in
the checkout (see ``setup_env``) and go on; what they cannot set up stops them
with one line, never with a traceback, so that a newcomer knows what to provide.
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
    """Go on when python3 imports Odoo 18.0; else set it up and run again."""
    try:
        import odoo.release
    except ImportError:
        _set_up().provide_odoo("Odoo 18.0 is not importable by python3")
    if odoo.release.version_info[0] != 18:
        _set_up().provide_odoo(f"python3 imports Odoo {odoo.release.version}, not 18.0")


def require_postgresql():
    """Go on when a server answers the libpq defaults; else start a private one."""
    try:
        import psycopg2
    except ImportError:
        fail("psycopg2 is missing: install Odoo 18.0's requirements.txt.")
    try:
        psycopg2.connect(dbname="postgres", connect_timeout=5).close()
    except psycopg2.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        if "FATAL" in str(error):
            # A server answered but refused us: starting another would hide it.
            fail(
                "PostgreSQL is unreachable with the libpq defaults "
                f"({first_line}): start a server or set PGHOST/PGPORT/PGUSER."
            )
        _set_up().serve_private_postgresql(
            f"no PostgreSQL server answers the libpq defaults ({first_line})"
        )


def _set_up():
    """The set-up package beside this file, imported only when something lacks."""
    import importlib

    package = f"{__package__}.setup_env" if __package__ else "setup_env"
    if not __package__:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    return importlib.import_module(package)


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
