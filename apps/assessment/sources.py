"""Where a cluster's latest dossier comes from (评估资料来源).

`latest_dossier(cluster)` asks each registered source in turn and returns the first answer.
The default source reads stored `ClusterDossier` rows; the filings app registers its adapter
(filled form → dossier) with `register_source` once filings exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .dossier import Dossier


@dataclass(frozen=True)
class SourcedDossier:
    dossier: Dossier
    data: dict[str, Any]
    label: str


DossierSource = Callable[[Any], SourcedDossier | None]
_sources: list[DossierSource] = []


def register_source(source: DossierSource, *, first: bool = True) -> DossierSource:
    if source not in _sources:
        if first:
            _sources.insert(0, source)
        else:
            _sources.append(source)
    return source


def stored_dossier_source(cluster: Any) -> SourcedDossier | None:
    from .models import ClusterDossier

    row = ClusterDossier.objects.filter(cluster=cluster).order_by("-year", "-created_at").first()
    if row is None:
        return None
    return SourcedDossier(Dossier.from_dict(row.data), row.data, f"{row.source_label}（{row.year}年）")


register_source(stored_dossier_source, first=False)


def latest_dossier(cluster: Any) -> SourcedDossier | None:
    for source in _sources:
        found = source(cluster)
        if found is not None:
            return found
    return None
