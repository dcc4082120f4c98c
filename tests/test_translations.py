"""Every message of the portal has a Vietnamese translation, and the catalog is complete.

The catalog is parsed as it is committed: an empty msgstr or a "fuzzy" flag fails. A fresh
`makemessages` into a temporary copy of locale/ finds every msgid the code and templates use:
one missing from the committed catalog fails too (someone forgot `make messages`).
"""

import re
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

CATALOG = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def _unquote(lines: list[str]) -> str:
    return "".join(
        bytes(line[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
        for line in lines
    )


def parse(path: Path) -> list[dict]:
    """The catalog's entries: msgctxt, msgid, msgid_plural, msgstr (all forms), flags."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set(), "msgstr": []}
        field = None
        parts: dict[str, list[str]] = {}
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#~"):
                field = None  # an obsolete entry: not the portal's
                parts = {}
                break
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                if field:
                    parts[field].append(line)
            else:
                match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$", line)
                if match:
                    field = match.group(1)
                    parts[field] = [match.group(2)]
        if "msgid" not in parts:
            continue
        for name, lines in parts.items():
            text = _unquote(lines)
            if name.startswith("msgstr"):
                entry["msgstr"].append(text)
            else:
                entry[name] = text
        if entry["msgid"] == "":
            continue  # the header
        entries.append(entry)
    return entries


def _key(entry: dict) -> tuple:
    return entry.get("msgctxt", ""), entry["msgid"]


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = parse(CATALOG)
    assert len(entries) > 500
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert not untranslated, f"untranslated: {untranslated}"


def test_the_catalog_has_every_message_the_code_uses(tmp_path, monkeypatch):
    base = Path(settings.BASE_DIR)
    work = tmp_path / "project"
    shutil.copytree(base / "locale", work / "locale")
    skipped = {"locale", "tests", "var", "staticfiles", "node_modules"}
    for entry in base.iterdir():
        if entry.name.startswith(".") or entry.name in skipped:
            continue
        (work / entry.name).symlink_to(entry)
    monkeypatch.chdir(work)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [work / "locale"])
    call_command("makemessages", locale=["vi"], verbosity=0, no_obsolete=True,
                 symlinks=True, ignore_patterns=["tests"])
    fresh = {_key(e) for e in parse(work / "locale" / "vi" / "LC_MESSAGES" / "django.po")}
    committed = {_key(e) for e in parse(CATALOG)}
    missing = sorted(fresh - committed)
    assert not missing, f"run `make messages` and translate: {missing}"
