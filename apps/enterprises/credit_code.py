"""统一社会信用代码 (unified social credit code, GB 32100-2015): normalise and validate.

18 characters from the 31-symbol alphabet ``0-9 A-H J-N P-R T U W-Y`` (no I O S V Z).
Positions 1–17 carry weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28; the check value
is ``31 - (Σ value × weight mod 31)`` with 31 written as 0, and the 18th character is the
symbol of that value.

Spreadsheets deliver codes with full-width characters, spaces and lower case, so every
input is normalised first (full-width → half-width, whitespace removed, upper case) and
then checked. Pure functions, no Django.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


def normalise(raw: object) -> str:
    """Full-width to half-width (NFKC), drop every kind of whitespace, upper-case.

    Numbers that a spreadsheet turned into floats (e.g. ``9.13e17``) cannot be recovered, so
    anything that is not a string is only turned into text; validation then names the fault.
    """
    if raw is None:
        return ""
    text = raw if isinstance(raw, str) else str(raw)
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if not ch.isspace() and ch not in "\u200b\ufeff")
    return text.upper()


# Σ value × weight mod 31, fast: the weights are 3^i mod 31 and 34 ≡ 3 (mod 31), so the sum is
# congruent to the body read as a base-34 number, least significant symbol first, with each
# symbol written as the base-34 digit of its value. One `translate` and one `int()`.
_DIGITS34 = "0123456789ABCDEFGHIJKLMNOPQRSTU"
_AS_BASE34 = bytes.maketrans(ALPHABET.encode(), "".join(_DIGITS34[VALUES[ch]] for ch in ALPHABET).encode())
_CLEAN = frozenset(ALPHABET)
if any(pow(3, i, 31) != w for i, w in enumerate(WEIGHTS)):  # the identity relied on above
    raise RuntimeError("GB 32100 weights are not 3^i mod 31")


def _check_value(first17: str) -> int:
    """31 - (Σ value × weight mod 31), with 31 written as 0; the body must be 17 alphabet symbols."""
    total = int(first17.encode().translate(_AS_BASE34)[::-1], 34)
    value = 31 - total % 31
    return 0 if value == 31 else value


# The check symbol for each value of Σ mod 31: 31 - r, with 31 written as 0.
_CHECK_SYMBOL = [ALPHABET[(31 - r) % 31] for r in range(31)]


def is_valid_clean(code: str) -> bool:
    """True for an already normalised, valid code (the importer's common case, no allocation)."""
    return len(code) == LENGTH and _CLEAN.issuperset(code) and code[17] == ALPHABET[_check_value(code[:17])]


def all_valid_clean(codes: Sequence[object]) -> bool:
    """`is_valid_clean` for every code of a column at once, by C-level passes over the joined column."""
    if not codes or set(map(type, codes)) != {str} or set(map(len, codes)) != {LENGTH}:  # type: ignore[arg-type]
        return False
    joined = "".join(codes)  # type: ignore[arg-type]  # all str (checked above)
    if not _CLEAN.issuperset(joined):
        return False
    digits = joined.encode().translate(_AS_BASE34)
    totals = map(int, [digits[o : o + LENGTH - 1][::-1] for o in range(0, len(digits), LENGTH)], repeat(34))
    expected = "".join([_CHECK_SYMBOL[t % 31] for t in totals])
    return expected == joined[LENGTH - 1 :: LENGTH]


def check_char(first17: str) -> str:
    """The 18th character for a 17-character body (raises ValueError on a bad symbol)."""
    if len(first17) != LENGTH - 1:
        raise ValueError("body must have 17 characters")
    bad = next((ch for ch in first17 if ch not in VALUES), None)
    if bad is not None:
        raise ValueError(f"invalid symbol {bad!r}")
    return ALPHABET[_check_value(first17)]


@dataclass(frozen=True)
class CodeCheck:
    """Result of validating one input: the normalised code and, if invalid, why (Chinese)."""

    code: str
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def validate(raw: object) -> CodeCheck:
    """Normalise then check length, charset and check character; the error says which failed."""
    if isinstance(raw, str) and len(raw) == LENGTH and _CLEAN.issuperset(raw):
        # Already clean (the common case): 18 symbols of the alphabet, nothing to normalise.
        if raw[17] == ALPHABET[_check_value(raw[:17])]:
            return CodeCheck(raw)
        return CodeCheck(raw, "校验位错误")
    code = normalise(raw)
    if not code:
        return CodeCheck(code, "未填写")
    if len(code) != LENGTH:
        return CodeCheck(code, f"应为18位，实际为{len(code)}位")
    bad = sorted({ch for ch in code if ch not in VALUES})
    if bad:
        shown = "、".join(bad)
        return CodeCheck(code, f"含有不允许的字符（{shown}；不使用I、O、S、V、Z）")
    expected = check_char(code[:17])
    if code[17] != expected:
        return CodeCheck(code, "校验位错误")
    return CodeCheck(code)


def is_valid(raw: object) -> bool:
    return validate(raw).ok


def complete(first17: str) -> str:
    """17-character body → full valid code (for generating test and demo data)."""
    body = normalise(first17)
    return body + check_char(body)
