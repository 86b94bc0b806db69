"""Run pytest with every tier this machine can run: ``make test``'s entry point.

The browser tier needs headless Chromium. Where it is missing, this script installs
Debian's package when it can (root, apt-get available: what ``.ci/run`` does on a
fresh CI machine); otherwise it runs the other tiers and says, in one line, how to
enable the browser tier. ``CIATSTUDY_REQUIRE_BROWSER=1`` (set by ``.ci/run``) turns
that skip into a failure, so CI never passes without the browser check.

Environment
-----------
CIATSTUDY_CHROMIUM
    Chromium executable to use (default: ``chromium`` on the PATH, else
    ``/usr/bin/chromium``). Set explicitly, it is never replaced by an install.
CIATSTUDY_REQUIRE_BROWSER
    ``1``: fail (exit 2) rather than skip the browser tier.

Usage: ``python tools/run_tests.py [--dry-run] [PYTEST ARGS...]``; ``--dry-run``
prints the decision and the pytest command instead of running them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import namedtuple

DEBIAN_PACKAGES = ("chromium", "chromium-driver", "fonts-dejavu-core")
ENABLE_HINT = (
    "install Chromium (Debian/Ubuntu: sudo apt-get install chromium) "
    "or point CIATSTUDY_CHROMIUM at a Chromium executable"
)

# worksteal: a worker that has run its share takes tests queued on the other (one in a long build)
PARALLEL = ["-n", "auto", "--dist", "worksteal"]

# What to do about the browser tier: "run", "install" (then run), "skip" or "fail"; message for the user.
Decision = namedtuple("Decision", "action message")


def chromium_path(env: dict) -> tuple[str, bool]:
    """(executable, whether it was chosen explicitly through ``CIATSTUDY_CHROMIUM``)."""
    explicit = env.get("CIATSTUDY_CHROMIUM")
    if explicit:
        return explicit, True
    return shutil.which("chromium") or "/usr/bin/chromium", False


def decide(*, found: bool, explicit: bool, is_root: bool, has_apt: bool, required: bool) -> Decision:
    """What ``make test`` does about the browser tier, from what the machine offers.

    Examples
    --------
    >>> decide(found=True, explicit=False, is_root=False, has_apt=False, required=False).action
    'run'
    >>> decide(found=False, explicit=False, is_root=True, has_apt=True, required=False).action
    'install'
    >>> decide(found=False, explicit=True, is_root=True, has_apt=True, required=False).action
    'skip'
    >>> decide(found=False, explicit=False, is_root=False, has_apt=True, required=True).action
    'fail'
    """
    if found:
        return Decision("run", "")
    if is_root and has_apt and not explicit:
        return Decision(
            "install",
            f"make test: installing headless Chromium ({' '.join(DEBIAN_PACKAGES)}) with apt-get for the browser tests",
        )
    if required:
        return Decision(
            "fail",
            "make test: error: the browser tests are required here (CIATSTUDY_REQUIRE_BROWSER=1) "
            f"but no Chromium was found; {ENABLE_HINT}",
        )
    return Decision("skip", f"make test: browser tests SKIPPED (no headless Chromium); to run them, {ENABLE_HINT}")


def pytest_command(python: str, args: list[str], *, browser: bool) -> list[str]:
    """The pytest command line; without a browser, the ``browser`` tier is deselected.

    The tests run on every core (pytest-xdist); the workers share the long builds through
    ``tests/conftest.py`` (one build per wave per run, each worker building a different one).

    >>> pytest_command("python", ["-x"], browser=False)
    ['python', '-m', 'pytest', '-n', 'auto', '--dist', 'worksteal', '-m', 'not browser', '-x']
    >>> pytest_command("python", [], browser=True)
    ['python', '-m', 'pytest', '-n', 'auto', '--dist', 'worksteal']
    """
    return [python, "-m", "pytest", *PARALLEL, *([] if browser else ["-m", "not browser"]), *args]


def _apt_install() -> bool:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": subprocess.DEVNULL, "env": env}
    return (
        subprocess.run(["apt-get", "update", "-qq"], **quiet).returncode == 0
        and subprocess.run(["apt-get", "install", "-y", "-qq", *DEBIAN_PACKAGES], **quiet).returncode == 0
    )


def main(argv: list[str]) -> int:
    dry_run = "--dry-run" in argv
    args = [a for a in argv if a != "--dry-run"]
    env = dict(os.environ)
    executable, explicit = chromium_path(env)
    decision = decide(
        found=os.path.isfile(executable) and os.access(executable, os.X_OK),
        explicit=explicit,
        is_root=hasattr(os, "geteuid") and os.geteuid() == 0,
        has_apt=shutil.which("apt-get") is not None,
        required=env.get("CIATSTUDY_REQUIRE_BROWSER") == "1",
    )
    if decision.action == "install" and not dry_run:
        print(decision.message, file=sys.stderr, flush=True)
        installed = _apt_install() and os.path.isfile(chromium_path(env)[0])
        decision = (
            Decision("run", "")
            if installed
            else decide(
                found=False,
                explicit=True,
                is_root=False,
                has_apt=False,
                required=env.get("CIATSTUDY_REQUIRE_BROWSER") == "1",
            )
        )
    if decision.message and decision.action != "install":
        print(decision.message, file=sys.stderr, flush=True)
    if decision.action == "fail":
        return 2
    command = pytest_command(sys.executable, args, browser=decision.action in ("run", "install"))
    if dry_run:
        print(f"{decision.action}: {' '.join(command)}")
        return 0
    return subprocess.run(command).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
