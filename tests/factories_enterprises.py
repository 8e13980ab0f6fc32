"""Factories for the enterprise lists: firms, firm-years, qualifications and spreadsheet files."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import factory
import xlsxwriter

from apps.enterprises import credit_code
from apps.enterprises.models import Firm, FirmQualification, FirmYear
from apps.enterprises.sme_size import classify

from .factories import ClusterFactory

_rng = random.Random(20240101)


def make_code(seed: int | None = None) -> str:
    rng = random.Random(seed) if seed is not None else _rng
    body = (
        "9131"
        + "".join(rng.choice("0123456789") for _ in range(4))
        + "".join(rng.choice(credit_code.ALPHABET) for _ in range(9))
    )
    return credit_code.complete(body)


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Firm

    credit_code = factory.Sequence(lambda n: make_code(100000 + n))
    name = factory.Sequence(lambda n: f"上海测试科技有限公司{n}")


class FirmYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FirmYear

    cluster = factory.SubFactory(ClusterFactory)
    year = 2024
    firm = factory.SubFactory(FirmFactory)
    name = factory.LazyAttribute(lambda o: o.firm.name)
    industry = "industry"
    employees = 120
    revenue = Decimal("8000.00")
    total_assets = Decimal("6000.00")
    output_value = Decimal("9000.00")
    rd_expense = Decimal("500.00")
    rd_staff = 20
    invention_patents = 5
    computed_size = factory.LazyAttribute(
        lambda o: classify(o.industry, staff=o.employees, revenue=o.revenue, assets=o.total_assets).size.value
    )
    size = factory.LazyAttribute(lambda o: o.computed_size)
    is_sme = factory.LazyAttribute(lambda o: o.computed_size in ("medium", "small", "micro"))


class FirmQualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FirmQualification

    firm_year = factory.SubFactory(FirmYearFactory)
    kind = "specialised"
    level = "municipal"
    year = 2023


HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "划型行业",
    "从业人员期末人数",
    "营业收入（万元）",
    "资产总额（万元）",
    "产值/营业收入（万元）",
    "研发费用（万元）",
    "研发人员数量",
    "有效发明专利拥有量",
    "专精特新中小企业",
    "专精特新中小企业认定年份",
    "高新技术企业",
    "是否上云",
    "是否应用工业互联网平台",
]


def firm_row(i: int, **over: Any) -> list[Any]:
    """One valid data row in HEADERS order (an industrial SME unless overridden)."""
    row: dict[str, Any] = {
        "统一社会信用代码": make_code(i),
        "企业名称": f"上海示例智能科技有限公司{i}",
        "划型行业": "工业",
        "从业人员期末人数": 50 + i % 200,
        "营业收入（万元）": 3000 + i,
        "资产总额（万元）": 2000,
        "产值/营业收入（万元）": 3500 + i,
        "研发费用（万元）": 150,
        "研发人员数量": 8,
        "有效发明专利拥有量": 3,
        "专精特新中小企业": "市级" if i % 3 == 0 else "",
        "专精特新中小企业认定年份": 2023 if i % 3 == 0 else "",
        "高新技术企业": "国家级" if i % 2 == 0 else "无",
        "是否上云": "是" if i % 2 else "否",
        "是否应用工业互联网平台": "是" if i % 4 == 0 else "否",
    }
    row.update(over)
    return [row[h] for h in HEADERS]


def xlsx_bytes(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS, title_rows: int = 0) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("企业清单")
    for t in range(title_rows):
        ws.merge_range(t, 0, t, 4, f"某集群企业清单（标题行{t + 1}）")
    ws.write_row(title_rows, 0, list(headers))
    for i, row in enumerate(rows, start=title_rows + 1):
        for j, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, str):
                ws.write_string(i, j, v)
            else:
                ws.write(i, j, v)
    wb.close()
    return buf.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS, encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)
