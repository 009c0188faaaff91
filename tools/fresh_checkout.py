"""A fresh machine, tried by ``make test``: ``make run`` on a copy of the checkout
with a python3 that cannot import Odoo and no PostgreSQL server reachable.

The copy's ``make run`` must set up its virtual environment (from the local Odoo
tree as ``ODOO_SRC``) and a private server, install crm_case with its demo data
and serve it; stopped by Ctrl+C, it must stop its server. A second run must find
nothing to set up and keep the database. Each check yields ``(name, error)``.
"""

import http.cookiejar
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from . import odoo_setup

DATABASE = "crm_case_demo"
MARKER_PARTNER = "Fresh checkout marker"
# The first run builds a virtual environment: minutes, more with a cold pip cache.
SERVE_TIMEOUT = 30 * 60
STOP_TIMEOUT = 120
# The private server stops once the command's connections are gone.
SERVER_STOP_TIMEOUT = 30


def odoo_source_tree():
    import odoo

    return os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__)))


def git(folder, *args):
    """The output of a git command in ``folder``, as an author of its own."""
    identity = ["-c", "user.name=crm_case tests", "-c", "user.email=tests@invalid"]
    return subprocess.run(
        ["git", *identity, "-C", folder, *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


class FreshCheckout:
    def __init__(self, work_dir):
        self.work_dir = work_dir
        self.checkout = os.path.join(work_dir, odoo_setup.ADDON_NAME)
        self.bare_python = os.path.join(work_dir, "bare", "bin", "python")
        self.http_port = odoo_setup.free_port()
        self.timings = []

    # Preparation

    def copy_checkout(self):
        files = subprocess.run(
            ["git", "ls-files", "-z"],
            cwd=odoo_setup.REPO_ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for name in filter(None, files.split("\0")):
            target = os.path.join(self.checkout, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(os.path.join(odoo_setup.REPO_ROOT, name), target)

    def make_bare_python(self):
        """A python3 without Odoo: a venv that does not see site-packages."""
        bare_dir = os.path.dirname(os.path.dirname(self.bare_python))
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", bare_dir], check=True
        )
        probe = subprocess.run(
            [self.bare_python, "-c", "import odoo"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            raise RuntimeError("the bare python imports Odoo: nothing to set up")

    def environment(self):
        nowhere = os.path.join(self.work_dir, "no-server")
        os.makedirs(nowhere, exist_ok=True)
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("PG", "MAKE", "MFLAGS", "CRM_CASE_"))
        }
        env.update(
            ODOO_SRC=odoo_source_tree(),
            PGHOST=nowhere,
            PGPORT=str(odoo_setup.free_port()),
            CRM_CASE_PORT=str(self.http_port),
            XDG_DATA_HOME=os.path.join(self.work_dir, "xdg"),
        )
        return env

    # One make run, served then stopped

    def make_run(self, label, inspect):
        """Start ``make run``, call ``inspect(rpc)`` once it serves, press Ctrl+C.

        :return: the problems ``inspect`` found, and the output of the command
        """
        log_path = os.path.join(self.work_dir, f"{label}.log")
        start = time.monotonic()
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                ["make", "run", f"PYTHON={self.bare_python}"],
                cwd=self.checkout,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self.wait_until_served(process, log_path)
            self.timings.append(f"{label} served in {time.monotonic() - start:.0f} s")
            problems = inspect(self.session())
        finally:
            left_server = self.interrupt(process)
        with open(log_path) as log:
            output = log.read()
        if left_server or "PostgreSQL server stops as the command ends" not in output:
            problems.append("the private server was not stopped on Ctrl+C")
        return problems, output

    def wait_until_served(self, process, log_path):
        deadline = time.monotonic() + SERVE_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                with open(log_path) as log:
                    tail = log.read()[-1500:]
                raise RuntimeError(f"make run ended ({process.returncode}):\n{tail}")
            try:
                with urllib.request.urlopen(self.url("/web/login"), timeout=10) as rsp:
                    if rsp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(3)
        raise RuntimeError(f"no answer on /web/login after {SERVE_TIMEOUT} s")

    def interrupt(self, process):
        """Ctrl+C as a terminal sends it, to the whole process group.

        :return: whether a server was left running (then stopped here)
        """
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        pid_file = os.path.join(self.checkout, ".setup/postgresql/data/postmaster.pid")
        deadline = time.monotonic() + SERVER_STOP_TIMEOUT
        while os.path.exists(pid_file) and time.monotonic() < deadline:
            time.sleep(0.5)
        if not os.path.exists(pid_file):
            return False
        with open(pid_file) as pids:
            os.kill(int(pids.readline()), signal.SIGINT)
        time.sleep(5)
        return True

    # JSON-RPC on the served database

    def url(self, path):
        return f"http://127.0.0.1:{self.http_port}{path}"

    def session(self):
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

        def call(path, params):
            body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
            request = urllib.request.Request(
                self.url(path),
                data=body.encode(),
                headers={"Content-Type": "application/json"},
            )
            with opener.open(request, timeout=120) as response:
                answer = json.load(response)
            if "error" in answer:
                raise RuntimeError(answer["error"]["data"]["message"])
            return answer["result"]

        call(
            "/web/session/authenticate",
            {"db": DATABASE, "login": "admin", "password": "admin"},
        )
        return lambda model, method, *args: call(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": {}},
        )

    # The checks

    def check_first_run(self):
        def inspect(rpc):
            rpc("res.partner", "create", {"name": MARKER_PARTNER})
            return [] if rpc("crm.case", "search_count", []) else ["no demo case"]

        problems, output = self.make_run("first make run", inspect)
        for expected in ("installing Odoo's requirements", "creating the database"):
            if expected not in output:
                problems.append(f"no step said '{expected}'")
        return "; ".join(problems) or None

    def check_second_run(self):
        def inspect(rpc):
            domain = [("name", "=", MARKER_PARTNER)]
            kept = rpc("res.partner", "search_count", domain) == 1
            return [] if kept else ["the demo database was not kept"]

        problems, output = self.make_run("second make run", inspect)
        if "nothing to do" not in output:
            problems.append("it did not find the virtual environment up to date")
        problems += [
            f"it set up again: {line}"
            for line in output.splitlines()
            if line.startswith(("crm_case: installing", "crm_case: creating"))
        ]
        return "; ".join(problems) or None

    def check_git_source(self):
        """ODOO_SRC as a git URL: only the named ref is fetched, without its
        history, into .setup/odoo, and the tree is taken for Odoo 18.0. The
        repository is a local one holding the files the step reads, so that
        the fetch itself runs for real without the network."""
        repository = self.make_git_source()
        script = (
            "from tools.setup_env import odoo_venv; "
            "tree, source = odoo_venv.odoo_tree(); odoo_venv.check_tree(tree); "
            "print('TREE', tree, source)"
        )
        env = dict(self.environment(), ODOO_SRC=f"file://{repository}", ODOO_REF="18.0")
        result = subprocess.run(
            [self.bare_python, "-c", script],
            cwd=self.checkout,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode or "TREE" not in result.stdout:
            return f"the git source was refused: {result.stdout}{result.stderr}"[:1500]
        clone = os.path.join(self.checkout, ".setup", "odoo")
        problems = []
        if git(clone, "rev-parse", "HEAD") != git(repository, "rev-parse", "18.0"):
            problems.append("the fetched commit is not the ref's")
        if git(clone, "rev-list", "--count", "HEAD") != "1":
            problems.append("the history was fetched too")
        if "fetching Odoo 18.0 from file://" not in result.stdout + result.stderr:
            problems.append("the fetch step did not say what it does")
        shutil.rmtree(clone, ignore_errors=True)
        return "; ".join(problems) or None

    def make_git_source(self):
        """A git repository whose branch 18.0 holds, in its second commit,
        the release file and requirements of the local Odoo tree."""
        repository = os.path.join(self.work_dir, "odoo-git")
        os.makedirs(os.path.join(repository, "odoo"))
        git(repository, "init", "-q", "-b", "18.0")
        tree = odoo_source_tree()
        for name in ("requirements.txt", "odoo/release.py"):
            shutil.copy2(os.path.join(tree, name), os.path.join(repository, name))
            git(repository, "add", name)
            git(repository, "commit", "-q", "-m", f"add {name}")
        return repository

    def run(self):
        checks = [
            (
                "fresh machine: make run sets up Odoo and PostgreSQL",
                self.check_first_run,
            ),
            ("fresh machine: a second make run reuses them", self.check_second_run),
            ("fresh machine: ODOO_SRC as a git URL", self.check_git_source),
        ]
        try:
            self.copy_checkout()
            self.make_bare_python()
        except (OSError, subprocess.CalledProcessError, RuntimeError) as error:
            for name, _check in checks:
                yield name, f"could not prepare the copy: {error}"
            return
        for name, check in checks:
            try:
                error = check()
            except Exception as exc:  # noqa: BLE001 - reported as a failure
                error = f"{type(exc).__name__}: {exc}"
            yield name, error
        print("crm_case: fresh machine: " + ", ".join(self.timings))


def run_fresh_checkout():
    work_dir = tempfile.mkdtemp(prefix="crm_case_fresh_")
    # The private server runs as another user, who must reach the copy.
    os.chmod(work_dir, 0o755)
    try:
        yield from FreshCheckout(work_dir).run()
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    for check_name, check_error in run_fresh_checkout():
        print(f"{check_name}: {check_error or 'ok'}")
