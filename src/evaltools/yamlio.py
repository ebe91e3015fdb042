"""Reading YAML files (strategies, evaluations, the registry, the 903 schema).

The same safe subset of YAML as ``yaml.safe_load``, parsed by libyaml's C parser where
PyYAML was built with it (its wheels are): a strategy file reads about ten times faster,
and every notebook of a run reads one. Errors are the same ``yaml.YAMLError``s, with the
line and column of the problem; a date that does not exist (``2024-13-01``,
``2024-02-30``), which PyYAML reports as a bare ``ValueError``, is one of them too."""

from __future__ import annotations

import datetime as dt
import re

import yaml

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: what YAML reads as a date: an unquoted YYYY-MM-DD (or YYYY-M-D)
_DATE = re.compile(r"(?<![\w.'\"-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w.'\"])")


class DateError(yaml.constructor.ConstructorError):
    """An unquoted date that does not exist; ``value`` is it as written."""

    def __init__(self, value: str, reason: str, mark):
        super().__init__(None, None, f"{value} is not a date ({reason})", mark)
        self.value = value


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A key written twice in one mapping (a second ``target:`` under a measure). YAML
    keeps the last silently, so a commitment would be judged on a value its author may
    not have meant; it is refused, at the second key's line."""

    def __init__(self, key, first, mark):
        super().__init__(None, None, f"'{key}' is given twice in the same block (first at line "
                         f"{first.line + 1}); the second would silently replace the first", mark)
        self.key = key


class _Loader(_BASE):
    """The safe loader, refusing a mapping that repeats a key (merge keys ``<<`` aside)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node.start_mark)
                except TypeError:       # an unhashable key: the base class says so
                    continue
                if first is not key_node.start_mark:
                    raise DuplicateKeyError(key, first, key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


_LOADER = _Loader


def _bad_date(text: str) -> tuple[str, int, int] | None:
    """The first unquoted date in ``text`` that is no real date: (it, line, column), 0-based."""
    for n, line in enumerate(text.splitlines()):
        body = line.split("#", 1)[0]
        for m in _DATE.finditer(body):
            try:
                dt.date(*(int(g) for g in m.groups()))
            except ValueError:
                return m.group(0), n, m.start()
    return None


def load(stream):
    """Parse one YAML document from a string or an open file."""
    text = stream if isinstance(stream, str) else stream.read()
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except ValueError as exc:
        bad = _bad_date(text)
        if bad is None:
            raise
        value, line, col = bad
        raise DateError(value, str(exc), yaml.error.Mark("<yaml>", 0, line, col, None, None)) from None


def read_text(path) -> str:
    """A text file a user wrote (a strategy, an evaluation), as UTF-8 (a byte-order mark
    from Excel or Notepad is dropped). A file saved in Windows' own encoding is a
    :class:`~evaltools.errors.ConfigError` naming the line, not a UnicodeDecodeError."""
    from pathlib import Path

    from .errors import ConfigError

    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise ConfigError(f"line {line} is not UTF-8 text (byte {data[e.start]:#04x}: a file saved as ANSI or "
                          "Windows-1252?)", where=str(path),
                          fix="Save it as UTF-8 (in Notepad: Save as, Encoding UTF-8)") from None


def fix_for(text: str, exc, default: str) -> str:
    """How to fix a YAML error at ``exc``'s line: a tab there (YAML indents with spaces
    only, and an editor's tab looks like them) is named, as it is the usual cause."""
    mark = getattr(exc, "problem_mark", None)
    lines = text.splitlines()
    if mark is not None:
        for n in (mark.line, mark.line - 1):      # the error may be reported a line after the tab
            if 0 <= n < len(lines) and "\t" in lines[n]:
                return f"Line {n + 1} holds a tab character: YAML indents with spaces only, so replace it with spaces"
    return default


def load_file(path, what: str = "file", error=None):
    """A YAML file a user wrote, read (:func:`read_text`) and parsed (:func:`load`), with
    every mistake one :class:`~evaltools.errors.ConfigError` (or ``error``, a subclass)
    naming the line: a key given twice, a date that does not exist, a tab, broken
    quoting (named where the quote opened). ``what`` names the file in the message
    ("evaluation file", "strategy file", "synth config")."""
    from pathlib import Path

    from .errors import ConfigError

    error = error or ConfigError
    where = str(path)
    if Path(path).is_dir():
        raise error(f"{where} is a folder, not a YAML {what}", fix=f"Give the path of the {what} itself (.yaml)")
    text = read_text(path)
    try:
        return load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        # an unclosed quote or bracket is found at the end of the file; where it opened helps
        opened = getattr(exc, "context_mark", None)
        if opened is not None and mark is not None and opened.line != mark.line:
            mark = opened
        line = mark.line + 1 if mark is not None else None
        if isinstance(exc, DateError):
            raise error(f"{what}, line {line}: {exc.value} is not a date", where=where,
                        fix="Write a date that exists as YYYY-MM-DD, e.g. 2024-12-19") from None
        if isinstance(exc, DuplicateKeyError):
            raise error(f"{what}, line {line}: {exc.problem}", where=where,
                        fix=f"Keep one '{exc.key}' there (the one you mean)") from None
        at = f" at line {line}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or exc
        raise error(f"{what} is not valid YAML{at}: {problem}", where=where,
                    fix=fix_for(text, exc, "Check indentation and quoting on that line")) from None
