"""Set up and run turkestan-kg with nothing but Python 3.11+.

    python3 tasks.py build   # create .venv, install pinned deps, run `tkg build`
    python3 tasks.py test    # same set-up (plus Chromium, Virtuoso and raptor for their tests), then ruff, mypy, pytest
    python3 tasks.py lock    # refresh requirements.lock from the current .venv

Set-up also installs the SPARQL editor's browser assets with npm when npm is there (the
server falls back to a plain form without them). The test command installs the Debian
packages of :data:`SYSTEM_PACKAGES` (Chromium, Virtuoso, raptor, Java and Jena, wrk) when
they are missing and it runs as root with apt-get.

Each step prints what it runs and stops at the first failure with its exit code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    code = subprocess.call([str(a) for a in args], cwd=ROOT)
    if code != 0:
        sys.exit(code)


def setup() -> None:
    """Create .venv and install the pinned dependencies plus the project (editable)."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file also runs on older Pythons
        sys.exit("turkestan-kg needs Python 3.11 or newer; this is " + sys.version.split()[0])
    if not (BIN / "python").exists():
        print("+ creating", VENV, flush=True)
        venv.create(VENV, with_pip=True)
    wanted = (ROOT / "requirements.lock").read_text() + (ROOT / "pyproject.toml").read_text()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    pip = (BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check")
    run(*pip, "-r", ROOT / "requirements.lock")
    run(*pip, "--no-deps", "-e", ROOT)
    STAMP.write_text(wanted)


EDITOR = ("yasgui.min.js", "yasgui.min.css")
EDITOR_BUILD = ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"
STATIC = ROOT / "src" / "turkestan_kg" / "web" / "static"


def web_assets() -> None:
    """The YASGUI editor from package-lock.json, if npm is available, copied beside the
    package's templates (so a wheel built here carries it)."""
    npm = shutil.which("npm")
    if npm is None:
        print("npm not found: the SPARQL editor will be a plain form", flush=True)
        return
    stamp = ROOT / "node_modules" / ".tkg-installed"
    wanted = (ROOT / "package-lock.json").read_text()
    if not (stamp.exists() and stamp.read_text() == wanted):
        run(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
        stamp.write_text(wanted)
    STATIC.mkdir(exist_ok=True)
    for name in EDITOR:
        shutil.copyfile(EDITOR_BUILD / name, STATIC / name)


SYSTEM_PACKAGES = {  # Debian package: a file it installs, for the tests that need it
    "chromium": Path("/usr/bin/chromium"),
    "chromium-driver": Path("/usr/bin/chromedriver"),
    "virtuoso-opensource-7-bin": Path("/usr/bin/virtuoso-t"),
    "raptor2-utils": Path("/usr/bin/rapper"),  # an independent parser of every dump
    "openjdk-17-jdk-headless": Path("/usr/bin/javac"),  # the OWL reasoners and profile check
    "libapache-jena-java": Path("/usr/share/java/jena-cmds.jar"),  # Jena's riot and SHACL
    "wrk": Path("/usr/bin/wrk"),  # the load of the serving benchmarks
}


def system_packages() -> None:
    """Debian's chromium and chromium-driver (browser tests), Virtuoso open source 7 (the
    SPARQL store tests), raptor and Apache Jena (independent readers of the dumps, and Jena's
    SHACL engine) and Java 17 (for Jena, and for HermiT, Pellet and the OWL API, which
    owlready2 ships), when missing and this runs as root with apt-get."""
    missing = [name for name, path in SYSTEM_PACKAGES.items() if not path.exists()]
    if not missing:
        return
    if not shutil.which("apt-get") or os.geteuid() != 0:
        print(f"{', '.join(missing)} missing; the tests that need them will be skipped", flush=True)
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", *missing],
    ):
        print("+", " ".join(args), flush=True)
        if subprocess.call(args, env=env, stdout=subprocess.DEVNULL) != 0:
            sys.exit(f"installing {', '.join(missing)} failed; see the apt-get output above")


def build() -> None:
    setup()
    web_assets()
    run(BIN / "tkg", "build")


def test() -> None:
    setup()
    web_assets()
    system_packages()
    run(BIN / "ruff", "check", "src", "tests", "benchmarks", "tasks.py")
    run(BIN / "ruff", "format", "--check", "src", "tests", "benchmarks", "tasks.py")
    run(BIN / "mypy")
    run(BIN / "python", "-m", "pytest", *sys.argv[2:])


def lock() -> None:
    setup()
    frozen = subprocess.check_output([str(BIN / "python"), "-m", "pip", "freeze"], text=True)
    keep = [line for line in frozen.splitlines() if line and not line.startswith(("-e ", "#"))]
    keep = [line for line in keep if not line.lower().startswith("turkestan-kg")]
    header = "# Pinned versions for reproducible installs (runtime + dev). Regenerate: python3 tasks.py lock"
    (ROOT / "requirements.lock").write_text("\n".join([header, *keep]) + "\n")


COMMANDS = {"build": build, "test": test, "lock": lock, "setup": setup, "web": web_assets}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit("usage: python3 tasks.py {" + ",".join(COMMANDS) + "} [pytest args]")
    COMMANDS[sys.argv[1]]()
