"""What every set-up step shares: the checkout's set-up folder, timed steps that
say what they do, commands whose failure is told in one line, Debian packages."""

import contextlib
import os
import shutil
import subprocess
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SETUP_DIR = os.path.join(REPO_ROOT, ".setup")


def say(message):
    print(f"crm_case: {message}", flush=True)


def fail(message):
    print(f"crm_case: {message}", file=sys.stderr, flush=True)
    sys.exit(2)


def relative(path):
    return os.path.relpath(path, REPO_ROOT)


@contextlib.contextmanager
def step(description):
    """Announce a step, then say how long it took (or that it failed)."""
    say(f"{description} ...")
    start = time.monotonic()
    try:
        yield
    except BaseException:
        say(f"{description}: stopped after {time.monotonic() - start:.1f} s")
        raise
    say(f"{description}: done in {time.monotonic() - start:.1f} s")


def run(command, what, **kwargs):
    """Run ``command``; on failure stop with ``what`` and the end of its output."""
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, **kwargs
    )
    if result.returncode:
        output = (result.stdout + result.stderr).strip()
        tail = "\n".join(output.splitlines()[-15:])
        fail(f"{what} failed (exit {result.returncode}):\n{tail}")
    return result.stdout


def is_root():
    return os.geteuid() == 0


def missing_debian_packages(packages):
    """The packages of ``packages`` not installed, or None off Debian."""
    if not shutil.which("dpkg-query"):
        return None
    missing = []
    for package in packages:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package],
            capture_output=True,
            text=True,
            check=False,
        )
        if "install ok installed" not in result.stdout:
            missing.append(package)
    return missing


def require_debian_packages(packages, purpose):
    """Install the missing ``packages`` as root, or stop saying which they are."""
    missing = missing_debian_packages(packages)
    if missing is None:
        say(
            f"not a Debian system: {purpose} needs the equivalent of the Debian "
            f"packages {', '.join(packages)}; install them if the next step fails."
        )
        return
    if not missing:
        return
    if not is_root():
        fail(
            f"{purpose} needs the Debian packages {', '.join(missing)}: install "
            f"them (sudo apt-get install {' '.join(missing)}) and run again."
        )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    with step(f"installing the Debian packages {', '.join(missing)}"):
        run(["apt-get", "update", "-qq"], "apt-get update", env=env)
        run(
            ["apt-get", "install", "-y", "-qq", *missing],
            "apt-get install",
            env=env,
        )
