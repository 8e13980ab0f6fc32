"""A small, safe formula evaluator over Python's `ast` (公式引擎).

Only a whitelist of nodes is accepted: numbers and strings, + − × ÷ and **, comparisons,
and/or/not, conditional expressions, the functions in `FUNCTIONS`, and references:
a name (`area`), optionally subscripted by constants (`output_value[2024]`,
`standards[2024]["national"]["lead"]`, `green_national["count"]`). Arithmetic is Decimal;
a float literal is read through its text, so `0.1` is exactly Decimal("0.1").
Parsing is cached; `variables()` lists the references of a formula.
"""

from __future__ import annotations

import ast
import decimal
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_UP)


class FormulaError(ValueError):
    """The formula is not allowed or cannot be evaluated (message in Chinese)."""


class MissingValue(LookupError):
    """A referenced value is blank; the formula has no result yet."""

    def __init__(self, ref: Ref) -> None:
        super().__init__(str(ref))
        self.ref = ref


@dataclass(frozen=True)
class Ref:
    name: str
    path: tuple[str | int, ...] = ()

    def __str__(self) -> str:
        return self.name + "".join(f"[{p!r}]" if isinstance(p, str) else f"[{p}]" for p in self.path)


def _d_min(*args: Any) -> Any:
    return min(args)


def _d_max(*args: Any) -> Any:
    return max(args)


FUNCTIONS: dict[str, Callable[..., Any]] = {"abs": abs, "min": _d_min, "max": _d_max}

_BIN = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "/", ast.Pow: "^"}
_CMP = {ast.Eq: "=", ast.NotEq: "≠", ast.Lt: "<", ast.LtE: "≤", ast.Gt: ">", ast.GtE: "≥", ast.In: "∈", ast.NotIn: "∉"}


@dataclass(frozen=True)
class Compiled:
    source: str
    tree: ast.Expression
    refs: tuple[Ref, ...]


def _ref_of(node: ast.expr) -> Ref | None:
    path: list[str | int] = []
    while isinstance(node, ast.Subscript):
        idx = node.slice
        if not isinstance(idx, ast.Constant) or not isinstance(idx.value, str | int) or isinstance(idx.value, bool):
            return None
        path.append(idx.value)
        node = node.value
    if isinstance(node, ast.Name):
        return Ref(node.id, tuple(reversed(path)))
    return None


def _check(node: ast.AST, refs: list[Ref]) -> None:
    if isinstance(node, ast.Expression):
        _check(node.body, refs)
    elif isinstance(node, ast.Constant):
        if not isinstance(node.value, int | float | str | bool) and node.value is not None:
            raise FormulaError(f"不允许的常量：{node.value!r}")
    elif isinstance(node, ast.Name | ast.Subscript):
        ref = _ref_of(node)
        if ref is None:
            raise FormulaError("引用只能是字段名加常量下标，如 output_value[2024]")
        if ref.name in FUNCTIONS:
            raise FormulaError(f"“{ref.name}”是函数名，不能作为字段引用")
        refs.append(ref)
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BIN:
            raise FormulaError("不允许的运算符")
        _check(node.left, refs)
        _check(node.right, refs)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd | ast.Not):
            raise FormulaError("不允许的运算符")
        _check(node.operand, refs)
    elif isinstance(node, ast.BoolOp):
        for v in node.values:
            _check(v, refs)
    elif isinstance(node, ast.Compare):
        if any(type(op) not in _CMP for op in node.ops):
            raise FormulaError("不允许的比较运算")
        _check(node.left, refs)
        for c in node.comparators:
            _check(c, refs)
    elif isinstance(node, ast.IfExp):
        for part in (node.test, node.body, node.orelse):
            _check(part, refs)
    elif isinstance(node, ast.Tuple | ast.List):
        for elt in node.elts:
            if not isinstance(elt, ast.Constant):
                raise FormulaError("列表中只能是常量")
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
            raise FormulaError(f"不允许的函数调用（可用：{'、'.join(FUNCTIONS)}）")
        for a in node.args:
            _check(a, refs)
    else:
        raise FormulaError(f"公式中不允许使用 {type(node).__name__}")


@lru_cache(maxsize=4096)
def compile_formula(source: str) -> Compiled:
    """Parse and check a formula once; raises FormulaError on anything not whitelisted."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"公式语法错误：{exc.msg}（第{exc.offset or 0}个字符）") from exc
    refs: list[Ref] = []
    _check(tree, refs)
    return Compiled(source, tree, tuple(dict.fromkeys(refs)))


def variables(source: str) -> tuple[Ref, ...]:
    """The references a formula reads, in order of first appearance."""
    return compile_formula(source).refs


def _num(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _eval(node: ast.AST, resolve: Callable[[Ref], Any]) -> Any:
    if isinstance(node, ast.Constant):
        return _num(node.value)
    if isinstance(node, ast.Name | ast.Subscript):
        ref = _ref_of(node)
        assert ref is not None
        value = resolve(ref)
        if value is None:
            raise MissingValue(ref)
        return _num(value)
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, resolve), _eval(node.right, resolve)
        try:
            with decimal.localcontext(CONTEXT):
                if isinstance(node.op, ast.Add):
                    return left + right
                if isinstance(node.op, ast.Sub):
                    return left - right
                if isinstance(node.op, ast.Mult):
                    return left * right
                if isinstance(node.op, ast.Div):
                    if right == 0:
                        raise FormulaError("除数为0，无法计算")
                    return left / right
                return left**right
        except (decimal.InvalidOperation, TypeError) as exc:
            raise FormulaError("无法计算（数值不合法，例如负数开方）") from exc
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, resolve)
        if isinstance(node.op, ast.Not):
            return not operand
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            result: Any = True
            for v in node.values:
                result = _eval(v, resolve)
                if not result:
                    return result
            return result
        result = False
        for v in node.values:
            result = _eval(v, resolve)
            if result:
                return result
        return result
    if isinstance(node, ast.Compare):
        left = _eval(node.left, resolve)
        for op, comp in zip(node.ops, node.comparators, strict=True):
            right = _eval(comp, resolve)
            ok = {
                ast.Eq: lambda a, b: a == b,
                ast.NotEq: lambda a, b: a != b,
                ast.Lt: lambda a, b: a < b,
                ast.LtE: lambda a, b: a <= b,
                ast.Gt: lambda a, b: a > b,
                ast.GtE: lambda a, b: a >= b,
                ast.In: lambda a, b: a in b,
                ast.NotIn: lambda a, b: a not in b,
            }[type(op)](left, right)
            if not ok:
                return False
            left = right
        return True
    if isinstance(node, ast.IfExp):
        return _eval(node.body if _eval(node.test, resolve) else node.orelse, resolve)
    if isinstance(node, ast.Tuple | ast.List):
        return tuple(_num(e.value) for e in node.elts if isinstance(e, ast.Constant))
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        return FUNCTIONS[node.func.id](*[_eval(a, resolve) for a in node.args])
    raise FormulaError(f"公式中不允许使用 {type(node).__name__}")


def evaluate(source: str, resolve: Callable[[Ref], Any]) -> Any:
    """Evaluate `source`; `resolve(ref)` returns the referenced value or None when blank
    (then `MissingValue` is raised). Decimal in, Decimal out."""
    return _eval(compile_formula(source).tree.body, resolve)


_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 3}


def render(source: str, show: Callable[[Ref], str]) -> str:
    """Human form of a formula (×, ÷ as /, ^, −), references shown through `show`."""

    def r(node: ast.AST, parent_prec: int = 0) -> str:
        if isinstance(node, ast.Expression):
            return r(node.body)
        if isinstance(node, ast.Constant):
            return str(node.value) if not isinstance(node.value, str) else f"“{node.value}”"
        if isinstance(node, ast.Name | ast.Subscript):
            ref = _ref_of(node)
            assert ref is not None
            return show(ref)
        if isinstance(node, ast.BinOp):
            prec = _PRECEDENCE[type(node.op)]
            text = f"{r(node.left, prec)} {_BIN[type(node.op)]} {r(node.right, prec + 1)}"
            if isinstance(node.op, ast.Pow):
                right = r(node.right, 0)
                simple = isinstance(node.right, ast.Constant | ast.Name)
                text = f"{r(node.left, prec + 1)}^{right if simple else f'({right})'}"
            return f"({text})" if prec < parent_prec else text
        if isinstance(node, ast.UnaryOp):
            sign = {ast.USub: "−", ast.UAdd: "+", ast.Not: "非 "}[type(node.op)]
            return f"{sign}{r(node.operand, 4)}"
        if isinstance(node, ast.Compare):
            parts = [r(node.left)]
            for op, comp in zip(node.ops, node.comparators, strict=True):
                parts += [_CMP[type(op)], r(comp)]
            return " ".join(parts)
        if isinstance(node, ast.BoolOp):
            joiner = " 且 " if isinstance(node.op, ast.And) else " 或 "
            return joiner.join(r(v, 5) for v in node.values)
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            return f"{node.func.id}({', '.join(r(a) for a in node.args)})"
        return ast.unparse(node)

    return r(compile_formula(source).tree)
