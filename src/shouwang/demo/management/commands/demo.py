"""`shouwang demo`: everything a newcomer needs to see Shouwang running, in one command.

Migrates the database, loads the demo city if the database is empty, prints the demo logins,
then runs three children until Ctrl-C or SIGTERM: the web server (`runserver --insecure
--noreload`, which serves the static files without DEBUG), the database-backed task worker
(`db_worker`) and the `scheduler` that enqueues the overdue scan.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shouwang.demo.generate import DEFAULT_SEED, demo_data_exists
from shouwang.demo.logins import logins_table

STOP_GRACE_SECONDS = 10


class _Stop(Exception):
    """Raised in the main loop by the SIGINT and SIGTERM handlers."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


class Command(BaseCommand):
    help = (
        "Migrate, load the demo city if the database is empty, print the demo logins, and "
        "serve on 127.0.0.1:8000 with the task worker and the scheduler."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to serve on")
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start db_worker and the scheduler"
        )
        parser.add_argument("--scale", type=float, default=1.0, help="demo size, as load_demo")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="demo seed")

    def handle(self, *args: Any, **options: Any) -> None:
        addr: str = options["addr"]
        host, _sep, port = addr.rpartition(":")
        if not host or not port.isdigit():
            raise CommandError(_("--addr 应为“地址:端口”,例如 127.0.0.1:8000。"))
        call_command("migrate", interactive=False, verbosity=0)
        if not demo_data_exists():
            self.stdout.write(_("正在生成演示城市(约需半分钟)……"))
        call_command(
            "load_demo",
            if_empty=True,
            scale=options["scale"],
            seed=options["seed"],
            verbosity=0,
            stdout=self.stdout,
        )
        url = f"http://{addr}/"
        self.stdout.write(logins_table(url))
        commands = [["runserver", addr, "--insecure", "--noreload"]]
        if not options["no_worker"]:
            commands += [["db_worker"], ["scheduler"]]
        self._supervise(commands)

    def _spawn(self, command: list[str]) -> subprocess.Popen[bytes]:
        # The same interpreter and settings (the environment is inherited); the arguments are
        # this module's own constants and the validated --addr.
        return subprocess.Popen([sys.executable, "-m", "shouwang", *command])  # noqa: S603

    def _supervise(self, commands: list[list[str]]) -> None:
        """Run the children until one exits, Ctrl-C or SIGTERM; then stop them all."""
        # SIGINT is handled explicitly too: a shell that starts the command in the background
        # leaves SIGINT ignored, and Python then raises no KeyboardInterrupt.
        previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        children: list[tuple[str, subprocess.Popen[bytes]]] = []
        try:
            for command in commands:
                children.append((command[0], self._spawn(command)))
            while True:
                for name, child in children:
                    if child.poll() is not None:
                        self.stderr.write(
                            _("%(name)s 已退出(返回码 %(code)s),正在停止演示。")
                            % {"name": name, "code": child.returncode}
                        )
                        return
                time.sleep(0.5)
        except (KeyboardInterrupt, _Stop):
            self.stdout.write(_("正在停止演示……"))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            _stop_all(children)


def _stop_all(children: list[tuple[str, subprocess.Popen[bytes]]]) -> None:
    for _name, child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for _name, child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
