"""A private PostgreSQL server for the checkout, when none is reachable.

Its data (``.setup/postgresql/data``) is kept from one command to the next; it
listens only on a Unix socket in ``.setup/postgresql`` and stops with the
command. The commands' children find it through PGHOST, PGPORT and PGUSER.
"""

import atexit
import glob
import os
import pwd
import shlex
import shutil
import signal
import subprocess
import sys
import time

from .steps import (
    SETUP_DIR,
    fail,
    is_root,
    relative,
    require_debian_packages,
    run,
    say,
    step,
)

BASE_DIR = os.path.join(SETUP_DIR, "postgresql")
DATA_DIR = os.path.join(BASE_DIR, "data")
SOCKET_DIR = os.path.join(BASE_DIR, "socket")
LOG_FILE = os.path.join(BASE_DIR, "server.log")
# Only names the socket file: the server listens on no TCP port.
PORT = "5432"
# initdb refuses root: the server then runs as the first of these users.
SERVER_USERS = ["postgres", "nobody"]


def serve_private_postgresql(reason):
    """Start the checkout's server, point libpq at it, and stop it at exit.

    :param reason: why no server is reachable, said first
    """
    say(f"{reason}: using a private PostgreSQL server in {relative(BASE_DIR)}.")
    bin_dir = find_server_programs()
    if bin_dir is None:
        require_debian_packages(["postgresql"], "a private PostgreSQL server")
        bin_dir = find_server_programs()
    if bin_dir is None:
        fail("initdb and pg_ctl are missing: install PostgreSQL's server programs.")
    owner = server_user()
    login = pwd.getpwuid(os.geteuid()).pw_name
    prepare_directories(owner)
    if not os.path.exists(os.path.join(DATA_DIR, "PG_VERSION")):
        with step(f"creating the database cluster {relative(DATA_DIR)}"):
            as_owner(
                owner,
                [
                    os.path.join(bin_dir, "initdb"),
                    "--pgdata",
                    DATA_DIR,
                    "--username",
                    login,
                    "--auth",
                    "trust",
                    "--encoding",
                    "UTF8",
                    "--no-locale",
                ],
                "initdb",
            )
    with step("starting the private PostgreSQL server"):
        start_server(bin_dir, owner)
    atexit.register(stop_server, bin_dir, owner)
    # Odoo handles SIGTERM itself while it serves; before and after, end cleanly.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    os.environ.update(PGHOST=SOCKET_DIR, PGPORT=PORT, PGUSER=login)
    os.environ.pop("PGHOSTADDR", None)
    # createdb, dropdb and pg_dump of the same version as the server.
    os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    # The filestores then live beside their databases, in the checkout.
    os.environ.setdefault("XDG_DATA_HOME", os.path.join(SETUP_DIR, "data"))


def find_server_programs():
    """The folder holding initdb and pg_ctl: on the PATH, else Debian's newest."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return os.path.dirname(os.path.realpath(initdb))
    candidates = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    candidates.sort(key=lambda path: int(path.split("/")[4]), reverse=True)
    return os.path.dirname(candidates[0]) if candidates else None


def server_user():
    """The user the server runs as: None for ourselves, unless we are root."""
    if not is_root():
        return None
    for name in SERVER_USERS:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    fail(f"no user to run PostgreSQL as: create one of {', '.join(SERVER_USERS)}.")


def prepare_directories(owner):
    # The socket's path must fit in a sockaddr_un (108 bytes).
    if len(os.path.join(SOCKET_DIR, f".s.PGSQL.{PORT}").encode()) > 107:
        fail(f"the path {SOCKET_DIR} is too long for a Unix socket: use a shorter one.")
    for path in (BASE_DIR, DATA_DIR, SOCKET_DIR):
        os.makedirs(path, mode=0o700, exist_ok=True)
        if owner:
            os.chown(path, owner.pw_uid, owner.pw_gid)
    if owner:
        reachable = subprocess.run(
            owner_command(owner, ["test", "-w", DATA_DIR]),
            check=False,
        )
        if reachable.returncode:
            fail(
                f"the user {owner.pw_name} who runs PostgreSQL cannot reach "
                f"{DATA_DIR}: let every folder above it be searchable (chmod o+x)."
            )


def owner_command(owner, command):
    return ["runuser", "-u", owner.pw_name, "--", *command] if owner else command


def as_owner(owner, command, what, **kwargs):
    return run(owner_command(owner, command), what, **kwargs)


def pg_ctl(bin_dir, *args):
    return [os.path.join(bin_dir, "pg_ctl"), "--pgdata", DATA_DIR, *args]


def start_server(bin_dir, owner):
    status = subprocess.run(
        owner_command(owner, pg_ctl(bin_dir, "status")),
        capture_output=True,
        check=False,
    )
    if status.returncode == 0 and not finished_stopping(bin_dir, owner):
        say("the private server is already running: using it.")
        return
    options = f"-k {shlex.quote(SOCKET_DIR)} -p {PORT} -c listen_addresses=''"
    # Its own session: Ctrl+C stops the command, which then stops the server.
    as_owner(
        owner,
        pg_ctl(bin_dir, "--log", LOG_FILE, "--options", options, "--wait", "start"),
        f"starting PostgreSQL (see {relative(LOG_FILE)})",
        start_new_session=True,
    )


def finished_stopping(bin_dir, owner, timeout=30):
    """Wait for a server that is shutting down; False if it keeps running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = subprocess.run(
            owner_command(
                owner,
                [os.path.join(bin_dir, "pg_isready"), "-h", SOCKET_DIR, "-p", PORT],
            ),
            capture_output=True,
            check=False,
        )
        # pg_isready: 0 accepting, 1 rejecting (shutting down), 2 no answer.
        if status.returncode != 1:
            return status.returncode == 2
        time.sleep(0.5)
    return False


def stop_server(bin_dir, owner):
    """Ask the server to stop once the command's connections are gone.

    A smart shutdown lets Odoo's cron threads, which live until the very end,
    finish quietly instead of failing on a server gone under them.
    """
    say("the private PostgreSQL server stops as the command ends.")
    command = pg_ctl(bin_dir, "--mode", "smart", "--no-wait", "stop")
    subprocess.run(owner_command(owner, command), capture_output=True, check=False)
