"""Which form and which subject (填报对象) a new-filing page was posted with.

Shared by 新建填报 (filings) and Word 导入 (documents), which offer the same choice: a form,
and a cluster for it — or, for a district-level form (区级表单, template `subject: district`:
the district summary), no cluster, the filing being the user's own district's. A cluster posted
with a district-level form is refused rather than silently dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .definitions import TemplateInfo


@dataclass(frozen=True)
class SubjectChoice:
    template: TemplateInfo | None  # the form posted, if it is one of those offered
    district_level: bool  # a 区级表单: filled for the district, without a cluster
    cluster: Any | None  # the cluster posted, if it is one of those offered
    cluster_error: str  # a cluster posted with a district-level form (else "")


def key(template: TemplateInfo) -> str:
    return f"{template.code}@{template.version}"


def choose_subject(
    form: dict[str, str], templates: Sequence[TemplateInfo], clusters: Sequence[Any], district: Any | None
) -> SubjectChoice:
    """The posted `form`'s template and cluster among those offered (`templates`, `clusters`)."""
    template = next((t for t in templates if key(t) == form["template"]), None)
    district_level = template is not None and template.subject == "district"
    cluster = next((c for c in clusters if str(c.pk) == form["cluster"]), None)
    error = ""
    if district_level and district is not None and form["cluster"]:
        place = district.region_name or district.name
        error = f"《{template.title}》是区级表单，为本区（{place}）整体填写，不选择集群，请将“集群”留空。"  # type: ignore[union-attr]
    return SubjectChoice(template, district_level, cluster, error)


def subject_context(templates: Sequence[TemplateInfo], chosen_key: str, district: Any | None) -> dict[str, Any]:
    """What the page needs to show the subject: the user's district, whether a district-level form
    is offered (`cluster_optional`) or chosen (`district_chosen`: the cluster field is left out,
    the page script hiding/showing it as the chosen form changes), and whether any cluster form is
    offered (`cluster_forms`)."""
    selected = next((t for t in templates if key(t) == chosen_key), None)
    return {
        "district": district,
        "cluster_optional": any(t.subject == "district" for t in templates),
        "district_chosen": selected is not None and selected.subject == "district",
        "cluster_forms": any(t.subject != "district" for t in templates),
    }
