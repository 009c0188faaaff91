"""The wheel's build backend: whool, plus the commands whool leaves out.

whool (1.3.1, the latest) packages the addon but has no way to install a
command: it ignores ``[project.scripts]`` and writes no ``entry_points.txt``.
An entry point would not do anyway: it imports ``odoo.addons.crm_case``, hence
all of Odoo, for each mail (about 4 s against 0.5 s). So this backend lets
whool build the wheel, then adds each file of ``[tool.crm_case.scripts]`` as a
wheel script (``<name>.data/scripts/``), which pip installs as a command
running that very file with the environment's Python.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from whool import buildapi
from whool.utils import load_pyproject_toml

build_sdist = buildapi.build_sdist
prepare_metadata_for_build_wheel = buildapi.prepare_metadata_for_build_wheel
prepare_metadata_for_build_editable = buildapi.prepare_metadata_for_build_editable


def _scripts():
    """{command name: path of the file in the addon}."""
    settings = load_pyproject_toml(Path.cwd()).get("tool", {})
    return settings.get("crm_case", {}).get("scripts", {})


def _wheel_script(source):
    """The file's text with the ``#!python`` line that pip rewrites on install."""
    lines = Path(source).read_text(encoding="utf-8").splitlines(keepends=True)
    if lines and lines[0].startswith("#!"):
        lines = lines[1:]
    return "#!python\n" + "".join(lines)


def _wheel(command, *args, cwd=None):
    subprocess.run(
        [sys.executable, "-m", "wheel", command, *args],
        check=True,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
    )


def _add_scripts(wheel_path):
    """Unpack the wheel, add the scripts, pack it again (with a new RECORD)."""
    scripts = _scripts()
    if not scripts:
        return
    with tempfile.TemporaryDirectory() as tmpdir:
        _wheel("unpack", "-d", tmpdir, wheel_path)
        (unpacked,) = Path(tmpdir).iterdir()
        (dist_info,) = unpacked.glob("*.dist-info")
        scripts_dir = unpacked / f"{dist_info.name[: -len('.dist-info')]}.data"
        scripts_dir = scripts_dir / "scripts"
        scripts_dir.mkdir(parents=True)
        for name, source in scripts.items():
            (scripts_dir / name).write_text(_wheel_script(source), encoding="utf-8")
            (scripts_dir / name).chmod(0o755)
        os.remove(wheel_path)
        _wheel("pack", "-d", os.path.dirname(wheel_path), str(unpacked), cwd=tmpdir)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name = buildapi.build_wheel(wheel_directory, config_settings, metadata_directory)
    _add_scripts(os.path.join(os.path.abspath(wheel_directory), name))
    return name


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    name = buildapi.build_editable(wheel_directory, config_settings, metadata_directory)
    _add_scripts(os.path.join(os.path.abspath(wheel_directory), name))
    return name
