"""Shared helpers of the commands, tools and benchmarks: prerequisites, a private
addons path, the command lines that run Odoo on it, and the databases they use.

Every script of ``tools/`` and ``bench/`` builds its Odoo command line and
creates and drops its databases here, and nowhere else.

When Odoo 18.0 or PostgreSQL is missing, the run and test commands set it up in
the checkout (see ``setup_env``) and go on; what they cannot set up stops them
with one line, never with a traceback, so that a newcomer knows what to provide.
"""

import contextlib
import importlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import types

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
    return importlib.import_module(f"{__package__}.setup_env")


def make_addons_dir(prefix):
    """Expose the checkout to Odoo under the module's technical name."""
    addons_dir = tempfile.mkdtemp(prefix=prefix)
    os.symlink(REPO_ROOT, os.path.join(addons_dir, ADDON_NAME))
    return addons_dir


@contextlib.contextmanager
def private_addons(prefix, keep=False):
    """A private addons path for the time of the block, removed after it
    unless ``keep`` (its data dir and logs are then left for a look)."""
    path = make_addons_dir(prefix)
    try:
        yield path
    finally:
        if not keep:
            shutil.rmtree(path, ignore_errors=True)


def odoo_options(database, addons_dir, *args, quiet=True, keep_files=False):
    """Options of Odoo's server on ``database`` with the private addons path.

    ``quiet`` keeps the log to warnings and starts no HTTP server, as the
    installs and shell scripts want; a server that must answer passes False.
    The files (attachments, sessions) go to the private path, gone with it,
    unless ``keep_files`` leaves them in Odoo's own data folder.
    """
    return [
        "--database",
        database,
        "--addons-path",
        addons_dir,
        *([] if keep_files else ["--data-dir", os.path.join(addons_dir, "data")]),
        *(["--log-level", "warn", "--no-http"] if quiet else []),
        *args,
    ]


def odoo_command(database, addons_dir, command, *args, quiet=True):
    """Command line of ``odoo <command>`` with :func:`odoo_options`."""
    return [
        sys.executable,
        "-m",
        "odoo",
        command,
        *odoo_options(database, addons_dir, *args, quiet=quiet),
    ]


def free_port():
    """A free TCP port on loopback, for a server of this run."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_run_options(modules, test_tags):
    """Options of an Odoo run that installs ``modules`` and runs ``test_tags``:
    on free loopback ports (Odoo serves HTTP while it tests, even told not to,
    and the browser tours need it), without crons, logging each test."""
    return [
        "--init",
        ",".join(modules),
        "--test-enable",
        "--test-tags",
        test_tags,
        "--stop-after-init",
        "--http-interface",
        "127.0.0.1",
        "--http-port",
        str(free_port()),
        "--gevent-port",
        str(free_port()),
        "--max-cron-threads",
        "0",
        "--log-level",
        "info",
    ]


def _postgres(statement, *identifiers):
    """Run ``statement`` (``{}`` for each quoted identifier) on the
    maintenance database, outside a transaction as CREATE/DROP DATABASE want."""
    import psycopg2
    from psycopg2 import sql

    query = sql.SQL(statement).format(*map(sql.Identifier, identifiers))
    connection = psycopg2.connect(dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


def drop_database(database):
    """Drop ``database`` if it exists, closing the connections left to it."""
    if "odoo.sql_db" in sys.modules:
        # This process ran Odoo: release its registry and pooled connections.
        from odoo.modules.registry import Registry
        from odoo.sql_db import close_db

        Registry.delete(database)
        close_db(database)
    _postgres("DROP DATABASE IF EXISTS {} WITH (FORCE)", database)


def create_empty_database(database, template=None):
    """Create ``database``, empty or as a copy of ``template``, dropping an old one."""
    drop_database(database)
    if template:
        _postgres("CREATE DATABASE {} TEMPLATE {}", database, template)
    else:
        _postgres("CREATE DATABASE {}", database)


def create_database(database, addons_dir, modules, demo=False, log=None):
    """Install ``modules`` (without demo data unless ``demo``) in a fresh
    ``database``, dropping an old one.

    :param log: a file for Odoo's output (the terminal when None)
    :raise RuntimeError: when the installation failed
    """
    # Odoo creates the database itself, with its encoding and extensions.
    drop_database(database)
    result = subprocess.run(
        odoo_command(
            database,
            addons_dir,
            "server",
            "--init",
            ",".join(modules),
            *([] if demo else ["--without-demo", "all"]),
            "--stop-after-init",
        ),
        capture_output=log is not None,
        text=True,
        check=False,
    )
    if log is not None:
        log.write(result.stdout + result.stderr)
    if result.returncode:
        details = (result.stderr or "").strip()[-800:] or "see Odoo's log above"
        raise RuntimeError(f"installing {', '.join(modules)} failed: {details}")


def open_registry(database, addons_dir):
    """Odoo's registry of ``database``, loaded in this process."""
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(odoo_options(database, addons_dir))
    return Registry(database)


@contextlib.contextmanager
def bench_registry(database, modules, keep=False):
    """Odoo's registry of a fresh ``database`` with ``modules`` installed, on a
    private addons path, for the time of the block: a benchmark's start.
    The database is dropped after the block unless ``keep``."""
    with private_addons("crm_case_bench_") as addons_dir:
        create_database(database, addons_dir, modules)
        try:
            yield open_registry(database, addons_dir)
        finally:
            if not keep:
                drop_database(database)


def load_test_helper(name):
    """The module ``tests/<name>.py`` (a throwaway server of the tests), with
    the helpers it imports from its folder: in a package of its own, as the
    ``tests`` package would load every test."""
    package = f"{ADDON_NAME}_test_helpers"
    if package not in sys.modules:
        helpers = types.ModuleType(package)
        helpers.__path__ = [os.path.join(REPO_ROOT, "tests")]
        sys.modules[package] = helpers
    return importlib.import_module(f"{package}.{name}")
