"""`shouwang check_translations`: the English catalogue is complete and matches the code.

zh-Hans is the source language: every gettext msgid is the Chinese text itself, so only the
English catalogue has to be maintained. This command fails (exit status 1) and lists each problem
when a msgid used in the code is missing from `locale/en/LC_MESSAGES/django.po`, when the
catalogue still holds a msgid the code no longer uses, when an entry is untranslated or fuzzy,
when a translation still contains Chinese, or when its placeholders differ from the msgid's.

The code's msgids come from Django's own `makemessages`, run on a temporary copy of the package
(only the files it reads), so templates are parsed exactly as `make messages` parses them and the
committed catalogue is never touched.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

PACKAGE_DIR = Path(__file__).resolve().parents[3]
LOCALE_DIR = PACKAGE_DIR / "locale"
EN_CATALOGUE = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"

# The same patterns `make messages` passes to makemessages: tests and migrations hold no UI text.
IGNORE_PATTERNS = ["*/tests/*", "*/migrations/*"]
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
SKIPPED_DIRS = {"tests", "migrations", "locale", "static", "__pycache__"}

# Translations that keep Chinese on purpose: the language switcher names Chinese in Chinese so
# that a reader who switched to English by mistake can find the way back.
CJK_ALLOWED = {"简体中文"}

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# printf-style conversions as Python's % operator reads them (python-format entries only).
PRINTF = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]"
)
NAMED = re.compile(r"%\([^)]*\)[-#0 +]*(?:\d+)?(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACE = re.compile(r"\{[^{}\s]*\}")

Key = tuple[str | None, str, str | None]


@dataclass
class Entry:
    """One message of a .po file; `msgstrs` has one item, or one per plural form."""

    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def key(self) -> Key:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
_ESCAPE = re.compile(r"\\(.)")
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def _unquote(text: str, where: str) -> str:
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"{where}: expected a quoted string, got {text!r}")
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(text: str, name: str = "django.po") -> list[Entry]:
    """Entries of a .po file in order, the header first; obsolete (`#~`) entries are skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    # Which string a continuation line ("...") extends: (attribute, plural index).
    target: tuple[str, int] | None = None

    def flush() -> None:
        nonlocal current, target
        if current is not None and (current.msgid or current.msgstrs):
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        where = f"{name}:{number}"
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and target is not None:
                flush()  # a comment after the strings starts the next entry
            if current is None:
                current = Entry(line=number)
            if line.startswith("#,"):
                current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            elif line.startswith("#:"):
                current.references.extend(line[2:].split())
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"{where}: a continuation line outside an entry")
            attribute, index = target
            value = _unquote(line, where)
            if attribute == "msgstr":
                current.msgstrs[index] += value
            else:
                setattr(current, attribute, (getattr(current, attribute) or "") + value)
            continue
        match = _KEYWORD.match(line)
        if match is None:
            raise ValueError(f"{where}: cannot read {line!r}")
        keyword, index_text, quoted = match.groups()
        value = _unquote(quoted, where)
        if keyword in {"msgctxt", "msgid"} and current is not None and current.msgstrs:
            flush()  # entries not separated by a blank line
        if current is None:
            current = Entry(line=number)
        if keyword.startswith("msgstr"):
            index = int(index_text) if index_text is not None else 0
            while len(current.msgstrs) <= index:
                current.msgstrs.append("")
            current.msgstrs[index] = value
            target = ("msgstr", index)
        else:
            if keyword == "msgid":
                current.line = number
            setattr(current, keyword, value)
            target = (keyword, 0)
    flush()
    return entries


def placeholders(text: str, python_format: bool) -> Counter[str]:
    """The substitutions a string expects: a translation must expect exactly the same ones."""
    found: Counter[str] = Counter(BRACE.findall(text))
    pattern = PRINTF if python_format else NAMED
    found.update(m.group(0) for m in pattern.finditer(text))
    return found


def _show(text: str) -> str:
    shown = text if len(text) <= 40 else text[:39] + "…"
    return repr(shown)


def catalogue_problems(entries: Iterable[Entry], name: str = "django.po") -> list[str]:
    """Untranslated, fuzzy, still-Chinese or placeholder-changing entries, one line each."""
    problems: list[str] = []
    for entry in entries:
        where = f"{name}:{entry.line}"
        if "fuzzy" in entry.flags:
            what = "the header" if entry.is_header else f"msgid {_show(entry.msgid)}"
            problems.append(f"{where}: {what} is marked fuzzy")
        if entry.is_header:
            continue
        expected = 1 if entry.msgid_plural is None else 2
        if len(entry.msgstrs) < expected or any(not s for s in entry.msgstrs):
            problems.append(f"{where}: msgid {_show(entry.msgid)} is untranslated")
            continue
        if entry.msgid not in CJK_ALLOWED and any(CJK.search(s) for s in entry.msgstrs):
            problems.append(f"{where}: msgid {_show(entry.msgid)} still has Chinese in English")
        python_format = "python-format" in entry.flags
        for index, translated in enumerate(entry.msgstrs):
            source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
            want = placeholders(source, python_format)
            got = placeholders(translated, python_format)
            if want != got:
                problems.append(
                    f"{where}: msgid {_show(entry.msgid)} has placeholders "
                    f"{sorted(want.elements())} but msgstr[{index}] has {sorted(got.elements())}"
                )
    return problems


def _copy_sources(source: Path, target: Path) -> None:
    """The files makemessages reads, without tests, migrations, static files or catalogues."""

    def skipped(directory: str, names: list[str]) -> set[str]:
        base = Path(directory)
        return {
            n
            for n in names
            if n in SKIPPED_DIRS
            or n.startswith(".")
            or ((base / n).is_file() and Path(n).suffix not in SOURCE_SUFFIXES)
        }

    shutil.copytree(source, target, ignore=skipped)


def code_msgids(package_dir: Path = PACKAGE_DIR) -> dict[Key, str]:
    """Every msgid the code uses, mapped to where it is used first (file:line)."""
    with tempfile.TemporaryDirectory(prefix="shouwang-messages-") as tmp:
        root = Path(tmp) / "shouwang"
        _copy_sources(package_dir, root)
        (root / "locale").mkdir()
        # No LOCALE_PATHS: makemessages then writes only into the copy's own locale directory.
        with override_settings(LOCALE_PATHS=[]), contextlib.chdir(root):
            call_command(
                "makemessages",
                locale=["en"],
                no_obsolete=True,
                ignore_patterns=list(IGNORE_PATTERNS),
                verbosity=0,
            )
        po = root / "locale" / "en" / "LC_MESSAGES" / "django.po"
        entries = parse_po(po.read_text(encoding="utf-8")) if po.exists() else []
    return {e.key: (e.references or ["?"])[0] for e in entries if not e.is_header}


def sync_problems(code: dict[Key, str], catalogue: Iterable[Entry]) -> list[str]:
    """Msgids the code uses that the catalogue lacks, and msgids only the catalogue has."""
    known = {e.key: e for e in catalogue if not e.is_header}
    problems = [
        f"{used_at}: msgid {_show(key[1])}"
        + (f" (context {key[0]!r})" if key[0] else "")
        + " is missing from the English catalogue"
        for key, used_at in code.items()
        if key not in known
    ]
    problems += [
        f"{EN_CATALOGUE.name}:{entry.line}: msgid {_show(key[1])} is no longer used by the code"
        for key, entry in known.items()
        if key not in code
    ]
    return problems


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile each .po whose .mo is missing or older; the compiled files are not committed."""
    compiled = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            raise CommandError(
                "msgfmt is missing: install gettext (scripts/install-system-packages)"
            )
        subprocess.run([msgfmt, "--check-format", "-o", str(mo), str(po)], check=True)  # noqa: S603
        compiled.append(mo)
    return compiled


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class Command(BaseCommand):
    help = (
        "Fail when the English catalogue misses a msgid used in the code, keeps one the code "
        "no longer uses, or has untranslated, fuzzy or placeholder-changing entries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--catalogue-only",
            action="store_true",
            help="check the .po file alone, without extracting msgids from the code",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not EN_CATALOGUE.exists():
            raise CommandError(f"{EN_CATALOGUE} does not exist: run `make messages`")
        entries = parse_po(EN_CATALOGUE.read_text(encoding="utf-8"), EN_CATALOGUE.name)
        problems = catalogue_problems(entries, EN_CATALOGUE.name)
        if not options["catalogue_only"]:
            problems += sync_problems(code_msgids(), entries)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(problems)} translation problem(s): run `make messages`, then translate "
                f"the new entries in {_shown_path(EN_CATALOGUE)} and check again"
            )
        count = sum(1 for e in entries if not e.is_header)
        self.stdout.write(f"English catalogue complete: {count} entries match the code")
