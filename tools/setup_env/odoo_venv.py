"""Odoo 18.0 in a virtual environment of the checkout, for a python3 without it.

``ODOO_SRC`` names the source: a local Odoo 18.0 tree (used in place, never
written to) or a git URL, fetched into ``.setup/odoo`` at ``ODOO_REF``.
"""

import hashlib
import json
import os
import re
import shutil
import sys
import sysconfig

from .steps import (
    SETUP_DIR,
    fail,
    relative,
    require_debian_packages,
    run,
    say,
    step,
)

ODOO_REPOSITORY = "https://github.com/odoo/odoo.git"
# The Odoo 18.0 commit fetched from a git ODOO_SRC. Change it on purpose, after a
# full `make test` on the new commit.
ODOO_COMMIT = "14b53e0ef7738bfe0681ebf4f5eaedadf18bf9e8"

# What Odoo's requirements.txt builds from source: psycopg2, python-ldap.
BUILD_PREREQUISITES = ["build-essential", "libpq-dev", "libldap2-dev", "libsasl2-dev"]
# cbor2 5.4.2 builds only with an older setuptools and setuptools_scm at hand.
BUILD_TOOLS = ["setuptools<81", "setuptools_scm", "wheel"]
# Set in the environment of the re-executed command, against a loop.
REEXECUTED = "CRM_CASE_IN_SETUP_VENV"

VENV_DIR = os.path.join(SETUP_DIR, "venv")
VENV_PYTHON = os.path.join(VENV_DIR, "bin", "python")
STAMP = os.path.join(VENV_DIR, "crm_case-odoo.json")
CLONE_DIR = os.path.join(SETUP_DIR, "odoo")


def provide_odoo(reason):
    """Make Odoo 18.0 importable in ``.setup/venv`` and re-run the command there.

    :param reason: why python3 does not do, said first
    """
    if os.environ.get(REEXECUTED):
        fail(f"{reason}, even in {relative(VENV_DIR)}: remove it and run again.")
    say(f"{reason}: using the virtual environment {relative(VENV_DIR)}.")
    tree, source = odoo_tree()
    check_tree(tree)
    wanted = {
        "source": source,
        "requirements": file_digest(os.path.join(tree, "requirements.txt")),
        "python": sys.version,
    }
    if read_json(STAMP) == wanted and os.access(VENV_PYTHON, os.X_OK):
        say(f"{relative(VENV_DIR)} is up to date: nothing to do.")
    else:
        install_odoo(tree)
        with open(STAMP, "w", encoding="utf-8") as stamp:
            json.dump(wanted, stamp, indent=1)
    reexecute()


def odoo_tree():
    """The Odoo tree ``ODOO_SRC`` names, fetched if need be, and what names it."""
    source = os.environ.get("ODOO_SRC") or ODOO_REPOSITORY
    if os.path.isdir(source):
        return os.path.abspath(source), os.path.abspath(source)
    if not looks_like_git_url(source):
        fail(f"ODOO_SRC={source} is neither a folder nor a git URL.")
    ref = os.environ.get("ODOO_REF") or ODOO_COMMIT
    key = f"{source}@{ref}"
    if read_json(STAMP).get("source") != key or not os.path.isdir(CLONE_DIR):
        fetch_odoo(source, ref)
    return CLONE_DIR, key


def looks_like_git_url(source):
    return "://" in source or source.startswith("git@") or source.endswith(".git")


def read_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def file_digest(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def fetch_odoo(url, ref):
    """Fetch only ``ref`` of ``url`` (no history) into ``.setup/odoo``."""
    shutil.rmtree(CLONE_DIR, ignore_errors=True)
    os.makedirs(CLONE_DIR)
    with step(f"fetching Odoo {ref} from {url} into {relative(CLONE_DIR)}"):
        run(["git", "init", "-q", CLONE_DIR], "git init")
        run(
            ["git", "-C", CLONE_DIR, "fetch", "-q", "--depth", "1", url, ref],
            f"fetching {ref} of {url} (set ODOO_SRC to a local Odoo 18.0 tree"
            " to do without the network)",
        )
        run(["git", "-C", CLONE_DIR, "checkout", "-q", "FETCH_HEAD"], "git checkout")


def check_tree(tree):
    try:
        with open(os.path.join(tree, "odoo", "release.py"), encoding="utf-8") as rel:
            release = rel.read()
    except OSError:
        fail(f"{tree} is not an Odoo source tree (no odoo/release.py).")
    if not re.search(r"^version_info = \(18, 0,", release, re.MULTILINE):
        fail(f"{tree} is not Odoo 18.0 (see its odoo/release.py).")
    if not os.path.isfile(os.path.join(tree, "requirements.txt")):
        fail(f"{tree} has no requirements.txt.")


def install_odoo(tree):
    requirements = os.path.join(tree, "requirements.txt")
    headers = os.path.join(sysconfig.get_paths()["include"], "Python.h")
    prerequisites = BUILD_PREREQUISITES + (
        [] if os.path.exists(headers) else ["python3-dev"]
    )
    if not has_venv_module():
        prerequisites.append("python3-venv")
    require_debian_packages(prerequisites, "installing Odoo's requirements")
    shutil.rmtree(VENV_DIR, ignore_errors=True)
    with step(f"creating the virtual environment {relative(VENV_DIR)}"):
        run([sys.executable, "-m", "venv", VENV_DIR], "python3 -m venv")
    pip = [VENV_PYTHON, "-m", "pip", "install", "--quiet"]
    with step("installing the build tools " + ", ".join(BUILD_TOOLS)):
        run([*pip, *BUILD_TOOLS], "pip install of the build tools")
    if cbor2 := cbor2_lines(requirements):
        with step("installing cbor2 without build isolation"):
            run([*pip, "--no-build-isolation", *cbor2], "pip install of cbor2")
    with step(f"installing Odoo's requirements ({requirements})"):
        run([*pip, "-r", requirements], "pip install -r requirements.txt")
    with step(f"making Odoo importable from {tree}"):
        link_odoo(tree)
        version = run(
            [VENV_PYTHON, "-c", "import odoo.release; print(odoo.release.version)"],
            "importing Odoo in the virtual environment",
        )
        say(f"Odoo {version.strip()} is importable.")


def has_venv_module():
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        return False
    return True


def cbor2_lines(requirements):
    """The cbor2 requirements with their markers (pip ignores those not met)."""
    with open(requirements, encoding="utf-8") as handle:
        lines = [line.split("#")[0].strip() for line in handle]
    return [line for line in lines if re.match(r"cbor2\b", line, re.IGNORECASE)]


def link_odoo(tree):
    """Put ``tree`` on the venv's path without writing in it.

    A git checkout keeps the addons in ``addons/``, beside ``odoo/addons``:
    Odoo finds them through a namespace ``odoo/addons`` in site-packages, as it
    finds the addons installed as wheels.
    """
    site_packages = run(
        [VENV_PYTHON, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        "locating the site-packages of the virtual environment",
    ).strip()
    with open(os.path.join(site_packages, "crm_case-odoo.pth"), "w") as pth:
        pth.write(tree + "\n")
    addons = os.path.join(tree, "addons")
    if os.path.isdir(os.path.join(addons, "mail")):
        os.makedirs(os.path.join(site_packages, "odoo"), exist_ok=True)
        os.symlink(addons, os.path.join(site_packages, "odoo", "addons"))


def reexecute():
    """Run the same command line again with the virtual environment's python."""
    say(f"running again with {relative(VENV_PYTHON)}.")
    os.environ[REEXECUTED] = "1"
    os.execv(VENV_PYTHON, [VENV_PYTHON, *sys.orig_argv[1:]])
