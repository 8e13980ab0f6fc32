"""The staged row line (stage._row_line) writes every ROW_FIELDS value in its own column of
stage.ROW_COLUMNS: each field gets a value no other field has, and is read back by name."""

from decimal import Decimal

from django.db import models

from apps.enterprises import stage
from apps.enterprises.importer import ROW_FIELDS, ParsedRow
from apps.enterprises.models import FirmYear


def _kind(name: str) -> type[models.Field]:
    field = FirmYear._meta.get_field(name)
    for kind in (models.BooleanField, models.JSONField, models.DecimalField, models.IntegerField):
        if isinstance(field, kind):
            return kind
    return models.CharField


BOOLEANS = [f for f in ROW_FIELDS if _kind(f) is models.BooleanField]


def _columns(data: list) -> dict[str, str | None]:
    payload = stage.dump([ParsedRow(2, "CODE", data, [], "small", "reason", ["warn"])])
    (line,) = stage.decode_lines(stage.load(payload, stage.digest(payload)).row_bytes)
    return dict(zip(stage.ROW_COLUMNS, line, strict=True))


def _marked(true_flag: str | None) -> tuple[list, dict[str, str]]:
    """Row data with a value unique to each field (only `true_flag` set among the flags), and
    the text each column must hold."""
    data, expected = [], {}
    for i, name in enumerate(ROW_FIELDS, start=1):
        kind = _kind(name)
        if kind is models.BooleanField:
            value, text = name == true_flag, "1" if name == true_flag else "0"
        elif kind is models.JSONField:
            value, text = [name], f'["{name}"]'
        elif kind is models.DecimalField:
            value = Decimal(f"{i}.{i:02d}")
            text = str(value)
        elif kind is models.IntegerField:
            value, text = i, str(i)
        else:
            value, text = f"<{name}>", f"<{name}>"
        data.append(value)
        expected[name] = text
    return data, expected


def test_every_row_field_is_written_in_its_own_column() -> None:
    assert BOOLEANS  # the flags are told apart one at a time below
    data, expected = _marked(None)
    columns = _columns(data)
    assert {f: columns[f] for f in ROW_FIELDS} == expected
    assert (columns["code"], columns["computed_size"], columns["size_reason"], columns["warnings"]) == (
        "CODE",
        "small",
        "reason",
        '["warn"]',
    )


def test_each_flag_is_written_in_its_own_column() -> None:
    for flag in BOOLEANS:
        data, expected = _marked(flag)
        columns = _columns(data)
        assert {f: columns[f] for f in BOOLEANS} == {f: expected[f] for f in BOOLEANS}, flag
