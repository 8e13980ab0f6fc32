"""Demo enterprise lists (演示数据): invented firms for several demo clusters, 2022–2024.

Registered with `apps.core.demo.register_seeder` (see apps.py), so `manage.py seed_demo` gives
the demo clusters computed totals. Every list is imported the way an operator would: a CSV in
the template's words goes through `enterprise_import_upload` and `enterprise_import_commit`
(credit-code checks, size classification, the diff, the audit trail).

Firms are invented (names from a fixed syllable list, valid generated credit codes) and sized
to the public magnitudes of domain-notes §7: 55–4,800 firms and 56–550 亿元 output per
cluster, 8–50 quality firms, SME R&D of a few 亿元, output growing 10–19 % a year. A fixed seed
per cluster makes the data identical on every run; a cluster-year that already has a list is
left alone, so running seed_demo twice changes nothing.

The Zhangjiang IC cluster (pd_ic) gets no demo list: its demo 2024 annual report (workflow demo)
declares its own figures, and a list that computes other ones would block that report's
submission until each difference is explained — which is the feature, not demo data.
"""

from __future__ import annotations

import csv
import io
import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.demo import DemoWorld

from . import credit_code
from .columns import COLUMNS
from .models import EnterpriseImport, Firm, FirmList, FirmYear, ImportStatus, QualificationKind

SEED = 20240601
YEARS = (2022, 2023, 2024)


@dataclass(frozen=True)
class DemoList:
    """One demo cluster's list: firms in 2024, output in 2024 (亿元), sector words, places."""

    key: str
    firms: int
    output_yi: int
    area_code: str  # 行政区划代码 of the district, inside the credit code
    towns: tuple[str, ...]
    trades: tuple[str, ...]  # middle of the invented firm names
    products: tuple[str, ...]
    software_share: float = 0.0  # firms classified as 软件和信息技术服务业 instead of 工业
    large_firms: int = 2
    shares_with: str = ""  # another demo list whose first firms this cluster also lists in 2024
    rd_intensity: float = 0.05  # R&D ÷ revenue of a typical SME (materials and autos spend less)


LISTS = (
    DemoList(
        "pd_bio",
        380,
        210,
        "310115",
        ("张江镇", "康桥镇", "周浦镇", "川沙新镇"),
        ("生物医药", "医药科技", "生物技术", "医疗科技"),
        ("创新药", "抗体药物", "CRO服务", "细胞治疗产品", "医药中间体", "高端制剂"),
        0.08,
        3,
    ),
    DemoList(
        "jd_sensor",
        360,
        180,
        "310114",
        ("安亭镇", "嘉定工业区", "南翔镇", "马陆镇"),
        ("传感技术", "微系统", "智能感知", "测控技术"),
        ("MEMS压力传感器", "惯性传感器", "气体传感器", "车规级传感模组", "传感器封装"),
    ),
    DemoList(
        "xh_ai",
        300,
        150,
        "310104",
        ("漕河泾街道", "徐家汇街道", "华泾镇", "龙华街道"),
        ("智能科技", "人工智能", "数据智能", "机器视觉"),
        ("智能语音系统", "视觉检测设备", "大模型应用平台", "智能客服软件", "AI推理服务器"),
        0.55,
    ),
    DemoList(
        "fx_beauty",
        520,
        260,
        "310120",
        ("南桥镇", "奉城镇", "金汇镇", "青村镇"),
        ("化妆品", "日化", "生物科技", "美容用品"),
        ("护肤品", "彩妆", "洗护用品", "功能性原料", "香精香料"),
        rd_intensity=0.025,
    ),
    DemoList(
        "bs_steel",
        280,
        480,
        "310113",
        ("罗店镇", "顾村镇", "月浦镇", "杨行镇"),
        ("新材料", "特钢", "金属材料", "碳纤维"),
        ("高强度汽车板", "硅钢", "碳纤维复合材料", "精密合金", "钢结构件"),
        0.0,
        4,
        rd_intensity=0.02,
    ),
    DemoList(
        "jd_nev",
        600,
        520,
        "310114",
        ("安亭镇", "外冈镇", "徐行镇", "菊园新区"),
        ("汽车零部件", "汽车电子", "动力系统", "智能驾驶"),
        ("电驱动总成", "车载控制器", "线束", "热管理系统", "智能座舱模组"),
        0.1,
        4,
        "jd_sensor",  # three sensor makers are also listed by the automotive cluster: flagged to the city
        0.025,
    ),
)
SHARED_FIRMS = 3

SYLLABLES = [
    "芯航",
    "华创",
    "瑞科",
    "星驰",
    "博远",
    "恒联",
    "海川",
    "鼎信",
    "凯越",
    "明德",
    "卓源",
    "天衡",
    "联拓",
    "嘉禾",
    "正泰",
    "安特",
    "宏达",
    "新锐",
    "致远",
    "盛景",
    "云图",
    "智享",
    "同辉",
    "科隆",
    "中盈",
    "佳汇",
    "浦江",
    "申达",
    "东方",
    "启明",
    "晨光",
    "汇能",
    "金桥",
    "锦程",
    "维拓",
    "睿思",
    "极光",
    "远见",
    "九州",
    "万象",
]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙朱马胡郭何林高罗")
GIVEN = list("伟芳敏静磊强洋艳勇军杰娟涛明超霞平刚婷斌")
TWO = Decimal("0.01")


@dataclass
class _Firm:
    code: str
    name: str
    town: str
    software: bool
    large: bool
    revenue_2024: float  # 万元
    growth: float
    revenue_per_head: float  # 万元 per employee
    rd_share: float
    asset_ratio: float
    first_year: int
    last_year: int
    listing: str
    quals: dict[str, tuple[str, int]] = field(default_factory=dict)  # kind → (level word, year)
    cloud_year: int = 9999
    iip_year: int = 9999
    digital_year: int = 9999
    exporter: bool = False
    fdi: bool = False
    related: bool = True
    products: tuple[str, ...] = ()
    contact: str = ""
    phone: str = ""


def _money(value: float) -> str:
    return str(Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP))


def _firms(spec: DemoList) -> list[_Firm]:
    """The cluster's firms (2024 scale), deterministic for its key."""
    rng = random.Random(f"{SEED}-{spec.key}")  # noqa: S311 — reproducible demo data, not secrets
    total_wan = spec.output_yi * 10000
    firms: list[_Firm] = []
    names: set[str] = set()
    n = spec.firms + spec.firms // 12  # some firms left before 2024
    weights = [math.exp(rng.gauss(0, 1.1)) for _ in range(n)]
    typical = sum(weights) / n
    for i in range(spec.large_firms):  # a few large firms: together about 40 % of the output
        weights[i] = typical * spec.firms * rng.uniform(0.11, 0.17)
    for i in range(spec.firms, n):  # the firms that left were small ones
        weights[i] *= 0.3
    scale = total_wan / sum(weights[: spec.firms]) * 0.97
    for i in range(n):
        for _attempt in range(1000):
            brand = rng.choice(SYLLABLES) + (rng.choice(SYLLABLES) if rng.random() < 0.6 else "")
            name = f"上海{brand}{rng.choice(spec.trades)}有限公司"
            if name not in names:
                break
        else:
            raise RuntimeError("not enough invented names")
        names.add(name)
        software = rng.random() < spec.software_share
        large = i < spec.large_firms
        body = "91" + spec.area_code + "".join(rng.choice(credit_code.ALPHABET) for _ in range(9))
        leaves = i >= spec.firms  # listed in 2022/2023 only
        first = 2022 if rng.random() < 0.85 or leaves or large else rng.choice((2023, 2024))
        firm = _Firm(
            code=credit_code.complete(body),
            name=name,
            town=rng.choice(spec.towns),
            software=software,
            large=large,
            revenue_2024=max(60.0, weights[i] * scale),
            growth=rng.uniform(0.10, 0.19),
            revenue_per_head=rng.uniform(35, 90) if software else rng.uniform(55, 160),
            rd_share=spec.rd_intensity * (rng.uniform(0.4, 0.8) if large else rng.uniform(0.5, 1.6)),
            asset_ratio=rng.uniform(0.6, 1.4),
            first_year=first,
            last_year=rng.choice((2022, 2023)) if leaves else 2024,
            listing="上市"
            if i < spec.large_firms or rng.random() < 0.01
            else "上市辅导期"
            if rng.random() < 0.01
            else "",
            exporter=rng.random() < 0.3,
            fdi=rng.random() < 0.05,
            related=rng.random() < 0.93,
            products=tuple(rng.sample(spec.products, k=rng.randint(1, 3))),
            contact=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(("", *GIVEN)),
            phone=f"021-{rng.randint(50000000, 69999999)}",
        )
        # Quality firms stay a minority (§7: 8–50 per cluster).
        if not firm.large:
            draw = rng.random()
            if draw < 0.008:
                firm.quals[QualificationKind.LITTLE_GIANT] = ("国家级", rng.choice((2021, 2022, 2023)))
                firm.quals[QualificationKind.SPECIALISED] = ("省级", rng.choice((2019, 2020)))
            elif draw < 0.03:
                firm.quals[QualificationKind.SPECIALISED] = (rng.choice(("市级", "省级")), rng.choice(YEARS))
            if rng.random() < 0.025:
                firm.quals[QualificationKind.INNOVATIVE_SME] = ("是", rng.choice((2022, 2023, 2024)))
        elif rng.random() < 0.5:
            firm.quals[QualificationKind.SINGLE_CHAMPION] = ("国家级", rng.choice((2020, 2021, 2022)))
        if rng.random() < 0.035:
            firm.quals[QualificationKind.HIGH_TECH] = ("国家级", rng.choice((2019, 2020, 2021, 2022, 2023)))
        if rng.random() < 0.04:
            firm.quals[QualificationKind.GREEN_FACTORY] = (rng.choice(("国家级", "市级")), rng.choice(YEARS))
        if rng.random() < 0.03:
            firm.quals[QualificationKind.SMART_FACTORY] = (rng.choice(("先进级", "卓越级")), rng.choice(YEARS))
        firm.cloud_year = rng.choice((2020, 2021, 2022, 2023, 2024, 9999, 9999))
        firm.iip_year = rng.choice((2022, 2023, 2024, 9999, 9999, 9999))
        firm.digital_year = rng.choice((2021, 2022, 2023, 9999, 9999))
        firms.append(firm)
    return firms


HEADERS = [c.header for c in COLUMNS]
QUAL_HEADERS = {k.value: (k.label, f"{k.label}认定年份") for k in QualificationKind}


def _row(firm: _Firm, year: int, rng: random.Random) -> dict[str, Any]:
    revenue = firm.revenue_2024 / (1 + firm.growth) ** (2024 - year) * rng.uniform(0.97, 1.03)
    staff = max(6, round(revenue / firm.revenue_per_head * rng.uniform(0.95, 1.05)))
    if firm.large:
        staff = max(staff, 1200 + 300 * (year - 2022))
    rd_share = firm.rd_share * rng.uniform(0.9, 1.1)
    row: dict[str, Any] = {
        "统一社会信用代码": firm.code,
        "企业名称": firm.name,
        "所在区（县）": "",
        "所在街镇": firm.town,
        "所在园区": "",
        "划型行业": "软件和信息技术服务业" if firm.software else "工业",
        "从业人员期末人数": staff,
        "营业收入": _money(revenue),
        "资产总额": _money(revenue * firm.asset_ratio),
        "产值/营业收入": _money(revenue * rng.uniform(0.95, 1.08)),
        "研发费用": _money(revenue * rd_share),
        "研发人员数量": max(1, round(staff * rng.uniform(0.08, 0.3))),
        "有效发明专利拥有量": max(0, round(staff / 40 * (1 + firm.rd_share * 10) * (0.9 + 0.05 * (year - 2022)))),
        "PCT国际专利申请量": rng.choice((0, 0, 0, 0, 1, 2)),
        "是否规上企业": "是" if revenue >= 2000 else "否",
        "上市情况": firm.listing or "未上市",
        "是否上云": "是" if firm.cloud_year <= year else "否",
        "是否应用工业互联网平台": "是" if firm.iip_year <= year else "否",
        "是否应用数字化研发工具": "是" if firm.digital_year <= year else "否",
        "主导产品出口贸易额": _money(revenue * rng.uniform(0.05, 0.3)) if firm.exporter else "0",
        "外商直接投资额": _money(revenue * rng.uniform(0.02, 0.1)) if firm.fdi else "0",
        "是否与主导产业相关": "是" if firm.related else "否",
        "联系人": firm.contact,
        "联系电话": firm.phone,
    }
    for i, product in enumerate(firm.products, start=1):
        row[f"主导产品{i}"] = product
    for kind, (level, since) in firm.quals.items():
        if since <= year:
            label, year_header = QUAL_HEADERS[kind]
            row[label], row[year_header] = level, since
    return row


def list_csv(spec: DemoList, year: int, district: str) -> bytes:
    """The cluster's list for `year` as a CSV in the template's words (UTF-8 with BOM)."""
    rng = random.Random(f"{SEED}-{spec.key}-{year}")  # noqa: S311 — reproducible demo data
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    firms = _firms(spec)
    if spec.shares_with and year == YEARS[-1]:
        other = next(s for s in LISTS if s.key == spec.shares_with)
        firms += [f for f in _firms(other) if not f.large][:SHARED_FIRMS]
    for firm in firms:
        if firm.first_year <= year <= firm.last_year:
            row = _row(firm, year, rng)
            row["所在区（县）"] = district
            writer.writerow([row.get(h, "") for h in HEADERS])
    return out.getvalue().encode("utf-8-sig")


def seed_enterprises(world: DemoWorld) -> None:
    """Import the demo lists (through the services) for every listed cluster and year not yet there."""
    from . import services

    sysadmin = world.users.get("sysadmin")
    for spec in LISTS:
        cluster = world.clusters.get(spec.key)
        if cluster is None:
            continue
        actor = world.users["operator"] if cluster.operator_id == world.users["operator"].organisation_id else sysadmin
        for year in YEARS:
            if FirmYear.objects.filter(cluster=cluster, year=year).exists():
                continue
            data = list_csv(spec, year, cluster.district.region_name)
            upload = SimpleUploadedFile(f"{cluster.short_name}-{year}年度企业清单（演示）.csv", data)
            batch = services.enterprise_import_upload(actor=actor, cluster=cluster, year=year, upload=upload)
            if batch.status != ImportStatus.PREVIEW:
                raise RuntimeError(f"demo list {spec.key} {year}: {batch.message} {batch.summary.get('errors')}")
            batch = services.enterprise_import_commit(actor=actor, batch=batch)
            if batch.status != ImportStatus.COMMITTED:
                raise RuntimeError(f"demo list {spec.key} {year}: {batch.message}")


def reset_enterprises() -> None:
    """Remove the demo clusters' lists, imports (and their files) and the firms only they listed."""
    rows = FirmYear.all_lists.filter(cluster__is_demo=True)
    firm_ids = set(rows.values_list("firm_id", flat=True))
    imports = EnterpriseImport.objects.filter(cluster__is_demo=True)
    names = [
        n for b in imports.values_list("file_name", "error_file_name") for n in b if n and default_storage.exists(n)
    ]
    FirmList.objects.filter(cluster__is_demo=True).delete()  # with their rows and qualifications
    imports.delete()
    Firm.objects.filter(pk__in=firm_ids, years__isnull=True).delete()
    for name in names:
        default_storage.delete(name)
