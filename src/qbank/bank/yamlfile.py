"""Read a YAML bank file into plain dicts and lists that remember their line numbers.

Safe loading only (PyYAML's SafeLoader: no Python objects). Bank files may come from
strangers, so size is checked before parsing, anchors and aliases are refused (they are
how "billion laughs" bombs work), duplicate keys are errors, and nesting depth is bounded.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import BankError

#: Largest bank file read, in bytes. Larger files are refused before parsing.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Deepest nesting of lists and mappings accepted.
MAX_DEPTH = 40


class LineDict(dict):
    """A mapping from the file, with the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    """A list from the file, with the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise BankError(
                "YAML anchors and aliases ('&name', '*name') are not supported in bank "
                "files; write the value out in full",
                line=event.start_mark.line + 1,
            )
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise BankError(f"the file is nested more than {MAX_DEPTH} levels deep",
                                line=self.peek_event().start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader: _Loader, node: MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise BankError("YAML merge keys ('<<') are not supported in bank files", line=line)
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (dict, list)):
            raise BankError(
                "a value starts with '{' and YAML read it as a mapping; if it is a template "
                "such as {{ x }}, put the whole value in quotes: \"{{ x }} ...\"",
                line=line,
            )
        if not isinstance(key, str):
            key = str(key) if not isinstance(key, bool) else ("true" if key else "false")
        if key in result:
            raise BankError(f"'{key}' appears twice here (first on line "
                            f"{result.key_lines[key]})", line=line)
        result.key_lines[key] = line
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _Loader, node: SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp(loader: _Loader, node: ScalarNode) -> str:
    # A date in a text is text; don't turn it into a datetime.
    return str(node.value)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:omap", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:binary", _construct_timestamp)


def _hint(problem: str, source_line: str) -> str:
    stripped = source_line.strip()
    if "{{" in stripped and not stripped.split(":", 1)[-1].strip().startswith(("'", '"', "|", ">")):
        return (" — a value that contains {{ ... }} must be in quotes, "
                "e.g. text: \"{{ price }} per request\"")
    if "\t" in source_line[: len(source_line) - len(source_line.lstrip())]:
        return " — indent with spaces, not tabs"
    return ""


def parse_yaml(text: str, file: str | None = None) -> Any:
    """Parse YAML text; every problem becomes a :class:`BankError` with its line."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise BankError(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
                        "split it into several banks", file=file)
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except BankError as exc:
        raise exc.locate(file=file) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "not valid YAML"
        if isinstance(exc, ConstructorError) and "unhashable" in problem:
            problem = "a value starts with '{' and YAML read it as a mapping"
        lines = text.splitlines()
        source_line = lines[line - 1] if line and line <= len(lines) else ""
        if "{{" not in source_line and line and line >= 2:
            prev = lines[line - 2]
            source_line = prev if "{{" in prev else source_line
        message = f"the file is not valid YAML: {problem}{_hint(problem, source_line)}"
        raise BankError(message, file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise BankError(f"the file is not valid YAML: {exc}", file=file) from None
    except RecursionError:
        raise BankError("the file is nested too deeply", file=file) from None
    finally:
        loader.dispose()


def read_text(path: str) -> str:
    """Read a bank file: size-checked first, UTF-8 (with or without BOM)."""
    import os

    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise BankError(f"cannot open the file: {exc.strerror}", file=path) from None
    if size > MAX_FILE_BYTES:
        raise BankError(f"the file is {size / 1024 / 1024:.0f} MB, larger than the "
                        f"{MAX_FILE_BYTES // (1024 * 1024)} MB a bank may be; split it into "
                        "several banks", file=path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise BankError(f"cannot read the file: {exc.strerror}", file=path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BankError("the file is not UTF-8 text; save it as UTF-8 in your editor",
                        file=path, line=line) from None
