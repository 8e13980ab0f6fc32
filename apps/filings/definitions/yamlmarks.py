"""YAML loading that remembers the line of every node, so errors can name file, path and line."""

from __future__ import annotations

from typing import Any

import yaml

PathT = tuple[str | int, ...]


def path_text(path: PathT) -> str:
    """("sections", 2, "fields", 5, "indicator") → "sections[2].fields[5].indicator"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(根)"


def _walk(node: yaml.Node, path: PathT, marks: dict[PathT, int]) -> None:
    marks[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            marks[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), marks)
            marks[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), marks)


def load_with_marks(text: str) -> tuple[Any, dict[PathT, int]]:
    """Parse `text` (safe loader) and map every path to its 1-based line number."""
    data = yaml.safe_load(text)
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    marks: dict[PathT, int] = {}
    if node is not None:
        _walk(node, (), marks)
    return data, marks


def line_of(marks: dict[PathT, int], path: PathT) -> int:
    """Line of `path`, or of its nearest ancestor that has one."""
    p = tuple(path)
    while p:
        if p in marks:
            return marks[p]
        p = p[:-1]
    return marks.get((), 1)
