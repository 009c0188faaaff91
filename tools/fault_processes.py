"""The process plumbing of the fault checks (``tools/faults.py``): ``odoo
shell`` runs, in the foreground or in the background, stopped halfway,
killed by SIGKILL or cut from their PostgreSQL connection; and plain SQL
beside them.

Each run is its own ``odoo shell`` process on the database of the checks, as
an administrator's cron worker would be; everything the processes print goes
to ``faults.log`` in the private addons path.
"""

import json
import os
import select
import signal
import subprocess
import tempfile
import time

from . import odoo_setup
from .fault_scripts import PAUSE_SCRIPT, RUN_TIMEOUT


class FaultProcesses:
    def __init__(self, addons_dir):
        self.addons_dir = addons_dir
        self.database = f"crm_case_faults_{os.getpid()}"
        self.log = open(os.path.join(addons_dir, "faults.log"), "w")
        self.flag_dir = tempfile.mkdtemp(prefix="crm_case_faults_")

    def _command(self, *args):
        return odoo_setup.odoo_command(self.database, self.addons_dir, *args)

    def shell(self, script):
        result = subprocess.run(
            self._command("shell"),
            input=script,
            capture_output=True,
            text=True,
            check=False,
            timeout=RUN_TIMEOUT,
        )
        self.log.write(result.stdout + result.stderr)
        if result.returncode:
            raise RuntimeError(result.stderr.strip()[-800:])
        return result.stdout

    def marked(self, output, marker):
        for line in output.splitlines():
            if line.startswith(marker + " "):
                return json.loads(line[len(marker) + 1 :])
        raise RuntimeError(f"no {marker} line in: {output[-500:]}")

    def start_shell(self, script, stdout):
        """Start ``odoo shell`` on ``script`` in the background."""
        process = subprocess.Popen(
            self._command("shell"),
            stdin=subprocess.PIPE,
            stdout=stdout,
            stderr=self.log,
            text=True,
        )
        process.stdin.write(script)
        process.stdin.close()
        process.stdin = None
        return process

    def start_paused(self, model, method, calls, run, prelude=""):
        """Start a run that stops halfway; return (process, flag, backend pid)."""
        flag = os.path.join(self.flag_dir, f"{method}-{time.monotonic()}")
        script = PAUSE_SCRIPT % {
            "prelude": prelude,
            "model": model,
            "method": method,
            "calls": calls,
            "flag": flag,
            "run": run,
        }
        process = self.start_shell(script, stdout=subprocess.PIPE)
        deadline = time.monotonic() + RUN_TIMEOUT
        while time.monotonic() < deadline:
            ready, __, __ = select.select([process.stdout], [], [], 1)
            if not ready:
                continue
            line = process.stdout.readline()
            if not line:
                break
            self.log.write(line)
            if line.startswith("PAUSED "):
                return process, flag, int(line.split()[1])
        process.kill()
        process.wait()
        raise RuntimeError("the run never reached its halfway point")

    def kill(self, process):
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        process.stdout.close()
        return process.returncode

    def drop_connection(self, process, flag, backend):
        """Cut the database connection of a paused run, then let it go on.

        :return: its output, or None when it hung (it is killed then)
        """
        self.sql("SELECT pg_terminate_backend(%s)", [backend])
        open(flag, "w").close()
        try:
            output, __ = process.communicate(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill(process)
            return None
        self.log.write(output)
        return output

    def sql(self, query, params=None, database="postgres"):
        import psycopg2

        connection = psycopg2.connect(dbname=database)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall()
        finally:
            connection.close()

    def close(self):
        """Close the log and remove the flag files of the paused runs."""
        self.log.close()
        subprocess.run(["rm", "-rf", self.flag_dir], check=False)
