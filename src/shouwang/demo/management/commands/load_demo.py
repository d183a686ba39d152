"""`shouwang load_demo`: generate the demo city into an empty database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shouwang.audit.context import Origin, reset_origin, set_origin
from shouwang.demo.generate import DEFAULT_SEED, demo_data_exists, load_demo
from shouwang.demo.hazards import HAZARDS_PER_SCALE
from shouwang.demo.logins import logins_table


class Command(BaseCommand):
    help = (
        "Generate the demo city (清河市): units, grids, companies, premises, staff and a year "
        "of hazards. Refuses when the database already holds data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=f"multiplies the number of hazards ({HAZARDS_PER_SCALE} at scale 1)",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (instead of failing) when the database already holds data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale: float = options["scale"]
        if scale <= 0:
            raise CommandError(_("--scale 必须大于 0,收到 %(scale)s。") % {"scale": scale})
        if demo_data_exists():
            if options["if_empty"]:
                self.stdout.write(_("数据库中已有数据,不再加载演示数据。"))
                return
            raise CommandError(
                _("数据库中已有单位或用户,拒绝加载演示数据。请使用空数据库,或加 --if-empty。")
            )
        total = round(HAZARDS_PER_SCALE * scale)
        verbose = options["verbosity"] > 0

        def progress(done: int, of: int) -> None:
            if verbose:
                self.stdout.write(
                    _("已生成隐患 %(done)d / %(total)d") % {"done": done, "total": of}
                )

        token = set_origin(Origin(channel="cli"))
        try:
            summary = load_demo(seed=options["seed"], scale=scale, progress=progress)
        finally:
            reset_origin(token)
        self.stdout.write(
            _(
                "演示城市已生成:%(units)d 个单位,%(users)d 个用户,%(hazards)d 条隐患"
                "(种子 %(seed)d,用时 %(seconds).1f 秒)。"
            )
            % {
                "units": summary.units,
                "users": summary.users,
                "hazards": summary.hazards,
                "seed": summary.seed,
                "seconds": summary.seconds,
            }
        )
        if summary.traced_reports:
            self.stdout.write(
                _("可追踪资金的报案(已导入银行流水):%(refs)s")
                % {"refs": ", ".join(summary.traced_reports)}
            )
        if verbose and total:
            self.stdout.write(logins_table())
