"""Who may open which URL: the registry read by tests/views/test_access_matrix.py.

Every URL name of the project (pages and /api/) must have exactly one entry in REGISTRY; a new
view without an entry fails the access-matrix test. To add yours, append one line per URL name:

    REGISTRY["filings:detail"] = Access(
        allowed=AUTHORITIES | {"operator"},          # roles that get `ok` on the in-scope object
        inside=lambda w: {"pk": w.filing_pudong.pk},  # an object of the Pudong cluster (in scope)
        outside=lambda w: {"pk": w.filing_xihu.pk},   # an object in Zhejiang (out of scope) → 404
    )

The matrix runs every URL × every role of the `world` fixture (tests/conftest.py):
operator, district, city_staff, city_admin, ministry, expert, evaluator, nobody, anonymous.

Expectations:
- anonymous: pages → redirect to the login page; /api/ → 401 (unless `public=True`).
- a role in `allowed` → a status in `ok` (default 200) with the `inside` object;
- a role in `forbidden` → 403 (it can see the object or section but may not use this page);
- any other role → 404 (the object is outside its scope, or the page does not exist for it);
- the `outside` object (another province) → 404 for every role except `outside_visible`
  (the ministry sees every province).

`inside` objects are those of the Pudong district of Shanghai (cluster_pudong, op_pudong, …),
which the operator, the Pudong district, the city and the ministry all see. `setup(world)` may
prepare extra data first (e.g. an Assignment so the expert sees the object); `data(world)`
gives the POST body when `method="post"` (it should be invalid or harmless — the matrix checks
access, not behaviour). A URL whose arguments are not objects in anyone's scope (a template code,
a year) sets `unscoped_args=True` and gives only `inside`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType

from apps.orgs.models import Assignment

ROLES = ("operator", "district", "city_staff", "city_admin", "ministry", "expert", "evaluator", "nobody")
EVERYONE = frozenset(ROLES)
AUTHORITIES = frozenset({"district", "city_staff", "city_admin", "ministry"})
CITY = frozenset({"city_staff", "city_admin"})
ADMINS = frozenset({"city_admin"})  # jurisdiction admins among the world's users
NO_ONE: frozenset[str] = frozenset()

Kwargs = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class Access:
    allowed: frozenset[str]
    inside: Kwargs | None = None
    outside: Kwargs | None = None
    forbidden: frozenset[str] = NO_ONE
    method: str = "get"
    ok: frozenset[int] = frozenset({200})
    public: bool = False
    outside_visible: frozenset[str] = frozenset({"ministry"})
    setup: Callable[[Any], None] | None = None
    data: Callable[[Any], dict[str, Any]] | None = None
    unscoped_args: bool = False
    notes: str = field(default="", compare=False)


def assign_to_expert_and_evaluator(obj_getter: Callable[[Any], Any]) -> Callable[[Any], None]:
    """A `setup` that assigns the object to the world's expert and evaluator."""

    def setup(w: Any) -> None:
        obj = obj_getter(w)
        ct = ContentType.objects.get_for_model(obj)
        for user in (w.expert, w.evaluator):
            Assignment.objects.create(user=user, content_type=ct, object_id=obj.pk)

    return setup


def _recognition(cluster: Any) -> Any:
    from tests.factories_clusters import RecognitionFactory

    return RecognitionFactory(cluster=cluster)


def _major_change(cluster: Any, reporter: Any) -> Any:
    from tests.factories_clusters import MajorChangeFactory

    return MajorChangeFactory(cluster=cluster, reported_by=reporter)


# URL names skipped by the matrix: Django's own admin (/sysadmin/, staff-only, checked by
# Django) and the API documentation (checked in test_access_matrix.py on its own).
SKIPPED_PREFIXES = ("sysadmin/",)  # routes
SKIPPED_NAMES = frozenset({"api:openapi-json", "api:openapi-view", "api:api-root"})


REGISTRY: dict[str, Access] = {}

# ---- core, accounts -------------------------------------------------------------------------
REGISTRY["core:home"] = Access(allowed=EVERYONE)
REGISTRY["accounts:login"] = Access(allowed=EVERYONE, public=True, ok=frozenset({200, 302}))
REGISTRY["accounts:logout"] = Access(allowed=EVERYONE, method="post", ok=frozenset({302}))
REGISTRY["accounts:password_change"] = Access(allowed=EVERYONE)

# ---- clusters --------------------------------------------------------------------------------
_cluster_in: Kwargs = lambda w: {"pk": w.cluster_pudong.pk}  # noqa: E731
_cluster_out: Kwargs = lambda w: {"pk": w.cluster_xihu.pk}  # noqa: E731
REGISTRY["clusters:list"] = Access(allowed=EVERYONE)
REGISTRY["clusters:create"] = Access(allowed=CITY, forbidden=EVERYONE - CITY)
# The district, the operator and the ministry see the cluster but may not edit the registry.
REGISTRY["clusters:edit"] = Access(
    allowed=CITY, forbidden=frozenset({"district", "operator", "ministry"}), inside=_cluster_in, outside=_cluster_out
)
REGISTRY["clusters:recognition_add"] = REGISTRY["clusters:edit"]
REGISTRY["clusters:recognition_status"] = Access(
    allowed=CITY,
    forbidden=frozenset({"district", "operator", "ministry"}),
    inside=lambda w: {"pk": _recognition(w.cluster_pudong).pk},
    outside=lambda w: {"pk": _recognition(w.cluster_xihu).pk},
)
REGISTRY["clusters:major_change_report"] = Access(
    allowed=frozenset({"operator"}), forbidden=AUTHORITIES, inside=_cluster_in, outside=_cluster_out
)
REGISTRY["clusters:major_change_decide"] = Access(
    allowed=frozenset({"district"}),
    forbidden=frozenset({"operator", "city_staff", "city_admin", "ministry"}),
    inside=lambda w: {"pk": _major_change(w.cluster_pudong, w.operator).pk},
    outside=lambda w: {"pk": _major_change(w.cluster_xihu, w.operator).pk},
)
REGISTRY["clusters:detail"] = Access(
    allowed=AUTHORITIES | {"operator", "expert", "evaluator"},
    inside=_cluster_in,
    outside=_cluster_out,
    setup=assign_to_expert_and_evaluator(lambda w: w.cluster_pudong),
)

# ---- orgs ------------------------------------------------------------------------------------
# Jurisdiction admin pages: only admins; the section refuses others with 403 and every object
# page answers 404 to them (nothing of the tree is administered by them).
_org_in: Kwargs = lambda w: {"pk": w.op_pudong.pk}  # noqa: E731
_org_out: Kwargs = lambda w: {"pk": w.op_xihu.pk}  # noqa: E731
_user_in: Kwargs = lambda w: {"pk": w.operator.pk}  # noqa: E731
_user_out: Kwargs = lambda w: {"pk": w.province_zj_admin.pk}  # noqa: E731
REGISTRY["orgs:list"] = Access(allowed=ADMINS, forbidden=EVERYONE - ADMINS)
REGISTRY["orgs:users"] = Access(allowed=ADMINS, forbidden=EVERYONE - ADMINS)
REGISTRY["orgs:create"] = Access(
    allowed=ADMINS,
    inside=lambda w: {"parent_pk": w.pudong.pk},
    outside=lambda w: {"parent_pk": w.xihu.pk},
    outside_visible=NO_ONE,
)
REGISTRY["orgs:user_create"] = Access(
    allowed=ADMINS,
    inside=lambda w: {"org_pk": w.op_pudong.pk},
    outside=lambda w: {"org_pk": w.op_xihu.pk},
    outside_visible=NO_ONE,
)
for _name in ("orgs:detail", "orgs:edit", "orgs:status"):
    REGISTRY[_name] = Access(allowed=ADMINS, inside=_org_in, outside=_org_out, outside_visible=NO_ONE)
for _name in ("orgs:user_detail", "orgs:user_roles", "orgs:user_status", "orgs:user_reset"):
    REGISTRY[_name] = Access(allowed=ADMINS, inside=_user_in, outside=_user_out, outside_visible=NO_ONE)

# ---- API -------------------------------------------------------------------------------------
REGISTRY["api:me"] = Access(allowed=EVERYONE)
REGISTRY["api:list_clusters"] = Access(allowed=EVERYONE)
REGISTRY["api:get_cluster"] = Access(
    allowed=AUTHORITIES | {"operator"},
    inside=lambda w: {"cluster_id": w.cluster_pudong.pk},
    outside=lambda w: {"cluster_id": w.cluster_xihu.pk},
)

# ---- enterprises (企业库) ---------------------------------------------------------------------


def _ent_import(cluster: Any) -> Any:
    """An import of `cluster` with a stored error file (so the error download exists)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from apps.enterprises.models import EnterpriseImport

    batch = EnterpriseImport.objects.filter(cluster=cluster).first()
    if batch is None:
        name = default_storage.save(f"enterprises/test/{cluster.pk}-errors.xlsx", ContentFile(b"PK"))
        batch = EnterpriseImport.objects.create(
            cluster=cluster, year=2024, file_name=name, original_name="清单.xlsx", error_file_name=name
        )
    return batch


def _ent_firm_year(cluster: Any) -> Any:
    from apps.enterprises.models import FirmYear
    from tests.factories_enterprises import FirmYearFactory

    return FirmYear.objects.filter(cluster=cluster).first() or FirmYearFactory(cluster=cluster)


_ENT_SEE = AUTHORITIES | {"operator"}
_ent_in: Kwargs = lambda w: {"pk": w.cluster_pudong.pk}  # noqa: E731
_ent_out: Kwargs = lambda w: {"pk": w.cluster_xihu.pk}  # noqa: E731
REGISTRY["enterprises:index"] = Access(allowed=EVERYONE)
for _name in ("enterprises:cluster", "enterprises:template", "enterprises:export"):
    REGISTRY[_name] = Access(allowed=_ENT_SEE, inside=_ent_in, outside=_ent_out)
REGISTRY["enterprises:named_list"] = Access(
    allowed=_ENT_SEE,
    inside=lambda w: {"pk": w.cluster_pudong.pk, "kind": "specialised"},
    outside=lambda w: {"pk": w.cluster_xihu.pk, "kind": "specialised"},
)
REGISTRY["enterprises:upload"] = Access(
    allowed=frozenset({"operator"}),
    forbidden=AUTHORITIES,
    inside=_ent_in,
    outside=_ent_out,
    method="post",
    ok=frozenset({302}),
    notes="no file posted: the operator is sent back with a message",
)
REGISTRY["enterprises:import_detail"] = Access(
    allowed=_ENT_SEE,
    inside=lambda w: {"pk": _ent_import(w.cluster_pudong).pk},
    outside=lambda w: {"pk": _ent_import(w.cluster_xihu).pk},
)
REGISTRY["enterprises:import_errors"] = REGISTRY["enterprises:import_detail"]
for _name in ("enterprises:import_commit", "enterprises:import_cancel"):
    REGISTRY[_name] = Access(
        allowed=frozenset({"operator"}),
        forbidden=AUTHORITIES,
        inside=lambda w: {"pk": _ent_import(w.cluster_pudong).pk},
        outside=lambda w: {"pk": _ent_import(w.cluster_xihu).pk},
        method="post",
        ok=frozenset({302}),
        notes="the import is not in preview: refused with a message and a redirect",
    )
REGISTRY["enterprises:firm_year"] = Access(
    allowed=_ENT_SEE,
    inside=lambda w: {"pk": _ent_firm_year(w.cluster_pudong).pk},
    outside=lambda w: {"pk": _ent_firm_year(w.cluster_xihu).pk},
)
for _name in ("enterprises:city", "enterprises:duplicates"):
    REGISTRY[_name] = Access(allowed=AUTHORITIES, forbidden=EVERYONE - AUTHORITIES)

# ---- workflow (entries built in tests/factories_workflow.py) -----------------------------------
from tests.factories_workflow import _prepare as _workflow_prepare  # noqa: E402
from tests.factories_workflow import workflow_access_entries  # noqa: E402

REGISTRY.update(workflow_access_entries())
REGISTRY["workflow:evaluation_assign"] = Access(
    allowed=CITY,
    forbidden=AUTHORITIES - CITY | {"operator", "expert", "evaluator"},
    inside=lambda w: {"pk": w.wf_sub.pk},
    outside=lambda w: {"pk": w.wf_sub_xihu.pk},
    method="post",
    ok=frozenset({302}),
    setup=lambda w: _workflow_prepare(w),
    notes="分配第三方评价人员: the matrix's submission is not a service evaluation → refused with a message",
)
REGISTRY["workflow:evaluation_withdraw"] = Access(
    allowed=CITY,
    forbidden=AUTHORITIES - CITY | {"operator", "expert", "evaluator"},
    inside=lambda w: {"pk": w.wf_sub.pk},
    outside=lambda w: {"pk": w.wf_sub_xihu.pk},
    method="post",
    ok=frozenset({302}),
    setup=lambda w: _workflow_prepare(w),
    notes="撤回第三方评价人员: no evaluator posted → sent back with a message",
)

# ---- filings (在线填报) -------------------------------------------------------------------------


def _filings_setup(w: Any) -> None:
    """A draft of the Pudong cluster (assigned to the expert/evaluator) and one in Zhejiang."""
    from tests.factories_filings import FilingFactory, evidence_for

    pudong = FilingFactory(cluster=w.cluster_pudong, created_by=w.operator)
    FilingFactory(cluster=w.cluster_xihu, created_by=w.province_zj_admin)
    evidence_for(pudong, field_key="chain_cultivation", option_key="chain_map", uploaded_by=w.operator)
    assign_to_expert_and_evaluator(lambda _w: pudong)(w)


def _filing_in(w: Any) -> dict[str, Any]:
    return {"pk": w.cluster_pudong.filings.get().pk}


def _filing_out(w: Any) -> dict[str, Any]:
    return {"pk": w.cluster_xihu.filings.get().pk}


def _evidence_in(w: Any) -> dict[str, Any]:
    return {"pk": w.cluster_pudong.filings.get().evidence.get().pk}


def _evidence_out(w: Any) -> dict[str, Any]:
    # Zhejiang's filing has no file; an id outside the user's filings must be 404.
    return {"pk": 10**9}


_FILING_VIEWERS = AUTHORITIES | {"operator", "expert", "evaluator"}
REGISTRY["filings:list"] = Access(allowed=EVERYONE)
# 新建填报: the operator (its forms) and the county department (the national forms, 77号) apply.
_APPLICANTS = frozenset({"operator", "district", "nobody"})
REGISTRY["filings:new"] = Access(allowed=_APPLICANTS, forbidden=EVERYONE - _APPLICANTS)
for _name in ("filings:detail", "filings:print"):
    REGISTRY[_name] = Access(allowed=_FILING_VIEWERS, inside=_filing_in, outside=_filing_out, setup=_filings_setup)
REGISTRY["filings:edit"] = Access(
    allowed=frozenset({"operator"}),
    forbidden=_FILING_VIEWERS - {"operator"},
    inside=_filing_in,
    outside=_filing_out,
    setup=_filings_setup,
)
for _name in ("filings:save", "filings:submit", "filings:evidence_upload"):
    REGISTRY[_name] = Access(
        allowed=frozenset({"operator"}),
        forbidden=_FILING_VIEWERS - {"operator"},
        inside=_filing_in,
        outside=_filing_out,
        setup=_filings_setup,
        method="post",
        ok=frozenset({200, 302, 400, 409, 422}),
        data=lambda w: {"revision": "0"},
    )
REGISTRY["filings:evidence_download"] = Access(
    allowed=_FILING_VIEWERS, inside=_evidence_in, outside=_evidence_out, setup=_filings_setup
)
REGISTRY["filings:evidence_delete"] = Access(
    # The operator (first in ROLES) deletes the file, so later roles find nothing: 404. The 403
    # for authorities is checked while the file exists in tests/views/filings/test_filing_pages.py.
    allowed=frozenset({"operator"}),
    inside=_evidence_in,
    outside=_evidence_out,
    setup=_filings_setup,
    method="post",
    ok=frozenset({200}),
)

# —— assessment (issue 5) ——
# Stateless evaluation of a posted dossier; every logged-in user may use it (no object, no scope).
REGISTRY["api:assess"] = Access(allowed=EVERYONE, method="post", ok=frozenset({200, 400, 422}))
REGISTRY["api:list_indicators"] = Access(allowed=EVERYONE)  # 指标目录: reference data, same for every logged-in user

# —— assessment pages (entries built in tests/factories_assessment.py) ——
from tests.factories_assessment import assessment_access_entries  # noqa: E402

REGISTRY.update(assessment_access_entries())

# —— documents (entries built in tests/factories_documents.py) ——
from tests.factories_documents import documents_access_entries  # noqa: E402

REGISTRY.update(documents_access_entries())


# ---- district-level forms (区级表单: the district summary, 沪经信企〔2025〕73号 附件2) -------------
# A filing without a cluster, belonging to a district: the same URL names again, read by
# test_access_matrix.py's second test. Pudong's summary is inside; Xihu's (Zhejiang) outside. Its
# district department fills it, the city and the ministry read it, operators (the matrix's
# operator and the no-access user) never see it, nor do experts and evaluators (nothing assigned).


def _district_filings_setup(w: Any) -> None:
    from apps.filings.models import ApplicantKind
    from tests.factories_filings import FilingFactory

    for district, user in ((w.pudong, w.district), (w.xihu, w.province_zj_admin)):
        FilingFactory(
            cluster=None,
            district=district,
            created_by=user,
            template_code="sh_district_summary",
            template_version="2025",
            template_title="XX区促进中小企业特色产业集群发展总结报告",
            applicant=ApplicantKind.COUNTY,
        )


_district_filing_in: Kwargs = lambda w: {"pk": w.pudong.district_filings.get().pk}  # noqa: E731
_district_filing_out: Kwargs = lambda w: {"pk": w.xihu.district_filings.get().pk}  # noqa: E731
_DISTRICT_FILING_VIEWERS = AUTHORITIES
DISTRICT_LEVEL_REGISTRY: dict[str, Access] = {}
for _name in ("filings:detail", "filings:print", "documents:filing_docx"):
    DISTRICT_LEVEL_REGISTRY[_name] = Access(
        allowed=_DISTRICT_FILING_VIEWERS,
        inside=_district_filing_in,
        outside=_district_filing_out,
        setup=_district_filings_setup,
    )
DISTRICT_LEVEL_REGISTRY["filings:edit"] = Access(
    allowed=frozenset({"district"}),
    forbidden=_DISTRICT_FILING_VIEWERS - {"district"},
    inside=_district_filing_in,
    outside=_district_filing_out,
    setup=_district_filings_setup,
)
for _name in ("filings:save", "filings:submit", "filings:evidence_upload"):
    DISTRICT_LEVEL_REGISTRY[_name] = Access(
        allowed=frozenset({"district"}),
        forbidden=_DISTRICT_FILING_VIEWERS - {"district"},
        inside=_district_filing_in,
        outside=_district_filing_out,
        setup=_district_filings_setup,
        method="post",
        ok=frozenset({200, 302, 400, 409, 422}),
        data=lambda w: {"revision": "0"},
    )
