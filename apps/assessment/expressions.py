"""A small, safe expression language for rules (规则表达式).

Rules speak in indicator-catalogue codes. An expression is parsed once with Python's `ast`,
checked against a whitelist and compiled into a tree of closures (cached by source text), so
evaluating a rule costs a few microseconds. Arithmetic is `Decimal`; nothing is ever a float.

Grammar (a subset of Python expressions):
- numbers: ``30``, ``0.5`` (read as Decimal from their text);
- indicator of the reference year: ``output_value``; of another year: ``output_value[Y-2]`` or
  ``output_value[2022]`` — ``Y`` is the reference (baseline) year, ``T`` the final target year;
- namespaces: ``list.sme_output_share`` (enterprise-list aggregate only), ``target.output_value[T]``
  (an application's target), ``sector.iip_penetration`` (sector average given as context);
- ``+ - * /``, unary minus, parentheses;
- functions: ``min``, ``max``, ``sum``, ``abs``, ``coalesce(a, b, …)`` (first available),
  ``cagr(first, last, n)`` (geometric yearly growth in %), ``decline_rate(first, last)`` (in %).

A missing input does not raise: it evaluates to `Missing`, which spreads through arithmetic and
names every input that was absent — so a rule can say exactly what is missing.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import Protocol

NAMESPACES = frozenset({"value", "list", "target", "sector"})
YEAR_SYMBOLS = frozenset({"Y", "T"})
FUNCTIONS = frozenset({"min", "max", "sum", "abs", "coalesce", "cagr", "decline_rate"})

ONE = Decimal(1)
HUNDRED = Decimal(100)


class ExpressionError(ValueError):
    """The expression text is not allowed or not well-formed (message in Chinese)."""


@dataclass(frozen=True)
class Missing:
    """An input that could not be read; `reasons` name each one in Chinese."""

    reasons: tuple[str, ...]

    def __or__(self, other: Missing) -> Missing:
        return Missing(tuple(dict.fromkeys(self.reasons + other.reasons)))


Value = Decimal | Missing


@dataclass(frozen=True)
class VarRef:
    """One variable an expression reads: namespace, indicator code and year expression text."""

    namespace: str
    code: str
    year: str  # "Y", "Y-2", "2022", "T" …

    def label(self) -> str:
        prefix = "" if self.namespace == "value" else f"{self.namespace}."
        return f"{prefix}{self.code}[{self.year}]"


class Resolver(Protocol):
    """What an expression reads from: the dossier seen for one evaluation."""

    year_y: int
    year_t: int

    def lookup(self, namespace: str, code: str, year: int) -> Value: ...


Node = Callable[[Resolver], Value]
YearNode = Callable[[Resolver], int]


@dataclass(frozen=True)
class Expression:
    source: str
    variables: tuple[VarRef, ...]
    _fn: Node = field(repr=False, compare=False)

    def evaluate(self, resolver: Resolver) -> Value:
        return self._fn(resolver)


def _year_node(node: ast.expr, source: str) -> tuple[YearNode, str]:
    """Compile a year index: an integer, Y or T, plus/minus integers."""
    text = ast.get_source_segment(source, node) or ""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        year = int(node.value)
        return (lambda r: year), text
    if isinstance(node, ast.Name) and node.id in YEAR_SYMBOLS:
        if node.id == "Y":
            return (lambda r: r.year_y), text
        return (lambda r: r.year_t), text
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        left, _ = _year_node(node.left, source)
        right, _ = _year_node(node.right, source)
        if isinstance(node.op, ast.Add):
            return (lambda r: left(r) + right(r)), text
        return (lambda r: left(r) - right(r)), text
    raise ExpressionError(f"年份下标只能是整数、Y 或 T 加减整数：{text}")


def _var_node(namespace: str, code: str, year: YearNode, year_text: str, refs: list[VarRef]) -> Node:
    refs.append(VarRef(namespace, code, year_text))

    def fn(r: Resolver) -> Value:
        return r.lookup(namespace, code, year(r))

    return fn


def _target_of(node: ast.expr) -> tuple[str, str]:
    if isinstance(node, ast.Name):
        if node.id in YEAR_SYMBOLS or node.id in FUNCTIONS:
            raise ExpressionError(f"“{node.id}”不能作为指标代码使用")
        return "value", node.id
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in NAMESPACES
        and node.value.id != "value"
    ):
        return node.value.id, node.attr
    raise ExpressionError("只允许指标代码或 list./target./sector. 前缀的指标代码")


def _first_missing(values: Iterable[Value]) -> Missing | None:
    missing: Missing | None = None
    for v in values:
        if isinstance(v, Missing):
            missing = v if missing is None else missing | v
    return missing


def cagr_percent(first: Decimal, last: Decimal, n: int | Decimal) -> Decimal:
    """年均增速 (geometric mean) in %: ((last / first) ** (1 / n) - 1) * 100."""
    n_int = int(n)
    if n_int <= 0:
        raise ZeroDivisionError("年度间隔数须大于 0")
    if first <= 0:
        raise ZeroDivisionError("首年数值须大于 0")
    with localcontext() as ctx:
        ctx.prec = 34
        ratio = last / first
        if ratio < 0:
            raise ZeroDivisionError("末年数值不能为负")
        root = ratio.sqrt() if n_int == 2 else (ratio if n_int == 1 else ratio ** (ONE / Decimal(n_int)))
        return (root - ONE) * HUNDRED


def _call(name: str, args: list[Node], source_text: str) -> Node:
    if name in {"min", "max", "sum"}:
        if not args:
            raise ExpressionError(f"{name}() 至少需要一个参数")
        agg = {"min": min, "max": max, "sum": sum}[name]

        def fn_agg(r: Resolver) -> Value:
            vals = [a(r) for a in args]
            miss = _first_missing(vals)
            if miss is not None:
                return miss
            return Decimal(agg(vals))  # type: ignore[operator, arg-type]

        return fn_agg
    if name == "abs":
        if len(args) != 1:
            raise ExpressionError("abs() 只接受一个参数")
        (a,) = args
        return lambda r: v if isinstance(v := a(r), Missing) else abs(v)
    if name == "coalesce":
        if not args:
            raise ExpressionError("coalesce() 至少需要一个参数")

        def fn_coalesce(r: Resolver) -> Value:
            miss: Missing | None = None
            for a in args:
                v = a(r)
                if not isinstance(v, Missing):
                    return v
                miss = v if miss is None else miss | v
            assert miss is not None
            return miss

        return fn_coalesce
    if name == "cagr":
        if len(args) != 3:
            raise ExpressionError("cagr(首年值, 末年值, 年度间隔数) 需要三个参数")
        a_first, a_last, a_n = args

        def fn_cagr(r: Resolver) -> Value:
            vals = [a_first(r), a_last(r), a_n(r)]
            miss = _first_missing(vals)
            if miss is not None:
                return miss
            first, last, n = vals
            try:
                return cagr_percent(first, last, n)  # type: ignore[arg-type]
            except (ZeroDivisionError, InvalidOperation) as exc:
                return Missing((f"无法计算年均增速（{exc}）：{source_text}",))

        return fn_cagr
    if name == "decline_rate":
        if len(args) != 2:
            raise ExpressionError("decline_rate(基准值, 目标值) 需要两个参数")
        a_base, a_new = args

        def fn_decline(r: Resolver) -> Value:
            base, new = a_base(r), a_new(r)
            miss = _first_missing([base, new])
            if miss is not None:
                return miss
            assert isinstance(base, Decimal) and isinstance(new, Decimal)
            if base == 0:
                return Missing((f"基准值为 0，无法计算下降率：{source_text}",))
            return (base - new) / base * HUNDRED

        return fn_decline
    raise ExpressionError(f"不允许的函数：{name}")


def _compile(node: ast.expr, source: str, refs: list[VarRef]) -> Node:
    if isinstance(node, ast.Constant):
        if type(node.value) not in (int, float) or isinstance(node.value, bool):
            raise ExpressionError("表达式中只允许数字常量")
        text = ast.get_source_segment(source, node) or str(node.value)
        const = Decimal(text.replace("_", ""))
        return lambda r: const
    if isinstance(node, ast.Name | ast.Attribute):
        if isinstance(node, ast.Name) and node.id in YEAR_SYMBOLS:
            sym = node.id
            return (lambda r: Decimal(r.year_y)) if sym == "Y" else (lambda r: Decimal(r.year_t))
        namespace, code = _target_of(node)
        return _var_node(namespace, code, lambda r: r.year_y, "Y", refs)
    if isinstance(node, ast.Subscript):
        namespace, code = _target_of(node.value)
        year, year_text = _year_node(node.slice, source)
        return _var_node(namespace, code, year, year_text, refs)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _compile(node.operand, source, refs)
        if isinstance(node.op, ast.UAdd):
            return operand
        return lambda r: v if isinstance(v := operand(r), Missing) else -v
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
        left = _compile(node.left, source, refs)
        right = _compile(node.right, source, refs)
        text = ast.get_source_segment(source, node) or source
        op = node.op

        def fn_bin(r: Resolver) -> Value:
            a, b = left(r), right(r)
            if isinstance(a, Missing):
                return a | b if isinstance(b, Missing) else a
            if isinstance(b, Missing):
                return b
            if isinstance(op, ast.Add):
                return a + b
            if isinstance(op, ast.Sub):
                return a - b
            if isinstance(op, ast.Mult):
                return a * b
            if b == 0:
                return Missing((f"分母为 0，无法计算：{text}",))
            return a / b

        return fn_bin
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise ExpressionError(f"不允许的函数调用：{ast.get_source_segment(source, node)}")
        if node.keywords:
            raise ExpressionError("函数调用不允许关键字参数")
        args = [_compile(a, source, refs) for a in node.args]
        return _call(node.func.id, args, ast.get_source_segment(source, node) or source)
    raise ExpressionError(f"表达式中不允许的写法：{ast.get_source_segment(source, node) or type(node).__name__}")


@lru_cache(maxsize=4096)
def parse(source: str) -> Expression:
    """Parse and compile `source` (cached). Raises ExpressionError with a Chinese message."""
    text = source.strip()
    if not text:
        raise ExpressionError("表达式不能为空")
    if len(text) > 500:
        raise ExpressionError("表达式过长（最多 500 个字符）")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"表达式语法错误：{text}") from exc
    refs: list[VarRef] = []
    fn = _compile(tree.body, text, refs)
    return Expression(source=text, variables=tuple(dict.fromkeys(refs)), _fn=fn)


def variables_of(source: str) -> tuple[VarRef, ...]:
    """The variables an expression reads, in order of appearance."""
    return parse(source).variables
