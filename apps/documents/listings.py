"""What the workflow calls to issue its documents: 公示/认定 notices and summary tables from its
submissions, as files ready to download or attach.

    from apps.documents.listings import listed_clusters, notice_files, summary_file
    notice = publicity_notice(issuer=…, number=…, year=2025, level="上海市", clusters=listed_clusters(subs), …)
    files = notice_files(notice)            # {"关于….docx": b"…", "关于….pdf": b"…"}
    name, data = summary_file(recommendation_summary(year=2025, authority=…, rows=…))

Only plain values cross this boundary (ListedCluster rows, Notice, SummaryTable), so the workflow
keeps deciding who is on a list and the documents app only prints it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .notices import ListedCluster, Notice, render_notice_docx, render_notice_pdf
from .summary import SummaryTable, render_summary_xlsx


def listed_clusters(submissions: Iterable[Any]) -> list[ListedCluster]:
    """One list row per submission with a cluster (所属区, 集群名称, 运营管理机构, 主导产业), in the
    given order (the caller orders: by district for a 公示, by rank for a 推荐名单)."""
    rows = []
    for sub in submissions:
        cluster = getattr(sub, "cluster", None)
        if cluster is None:
            continue
        district = cluster.district
        rows.append(
            ListedCluster(
                district=district.region_name or district.name,
                name=cluster.name,
                operator=cluster.operator.name,
                leading_industry=getattr(cluster, "leading_industry", "") or "",
            )
        )
    return rows


def _safe(name: str) -> str:
    return "".join("-" if ch in '/\\:*?"<>|' else ch for ch in name).strip()


def notice_files(notice: Notice) -> dict[str, bytes]:
    """The notice as .docx and .pdf, named after its title."""
    stem = _safe(notice.title)
    return {f"{stem}.docx": render_notice_docx(notice), f"{stem}.pdf": render_notice_pdf(notice)}


def summary_file(table: SummaryTable) -> tuple[str, bytes]:
    """The summary table as .xlsx, named after its title."""
    return f"{_safe(table.title)}.xlsx", render_summary_xlsx(table)
