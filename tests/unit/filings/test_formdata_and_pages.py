"""The page's input naming (formdata) for added target rows, and errors pointing at their input."""

from __future__ import annotations

from django.http import QueryDict

from apps.filings import formdata
from apps.filings.definitions import Issue, load_template
from apps.filings.pages import issue_input
from tests import factories_filings as ff

TEMPLATE = load_template(ff.SH_APPLICATION, ff.SH_APPLICATION_VERSION)


def test_added_target_rows_keep_unit_and_qualitative_and_skip_deleted_rows() -> None:
    f = TEMPLATE.field("plan_targets")
    post = QueryDict(mutable=True)
    # Row 1 was deleted on the page: indices 0 and 2 remain; row 3 is empty and ignored.
    post.update(
        {
            "v:plan_targets:added:0:direction": "数字化",
            "v:plan_targets:added:0:label": "中小企业上云比例",
            "v:plan_targets:added:0:unit": "%",
            "v:plan_targets:added:0:target_2027": "90.00",
            "v:plan_targets:added:2:direction": "其它",
            "v:plan_targets:added:2:label": "集群品牌建设",
            "v:plan_targets:added:2:qualitative": "1",
            "v:plan_targets:added:2:target_2027": "形成区域公共品牌",
            "v:plan_targets:added:3:label": "",
        }
    )
    value = formdata.parse_field(f, post)
    assert value["added"] == [
        {"direction": "数字化", "label": "中小企业上云比例", "unit": "%", "target_2027": "90.00"},
        {"direction": "其它", "label": "集群品牌建设", "target_2027": "形成区域公共品牌", "qualitative": True},
    ]
    flat = formdata.flatten(f, value)
    assert flat["v:plan_targets:added:1:qualitative"] is True
    assert flat["v:plan_targets:added:0:unit"] == "%"


def test_the_complete_application_survives_flatten_and_parse_unchanged() -> None:
    for f in TEMPLATE.fields.values():
        if f.key not in ff.SH_2025_VALUES:
            continue
        post = QueryDict(mutable=True)
        for name, v in formdata.flatten(f, ff.SH_2025_VALUES[f.key]).items():
            if isinstance(v, list):
                post.setlist(name, v)
            elif v is True:
                post[name] = "1"
            elif v not in (False, ""):
                post[name] = v
        assert formdata.parse_field(f, post) == ff.SH_2025_VALUES[f.key], f.key


def test_an_error_points_at_the_input_it_is_about() -> None:
    def at(key: str, **where: object) -> str:
        return issue_input(TEMPLATE.field(key), Issue(key, "error", "x", where.pop("code", f"{key}:x"), **where))

    assert at("area_km2") == "v:area_km2"
    assert at("sme_output_share", year=2024) == "v:sme_output_share:2024"
    assert at("standards", year=2023, column="group.lead") == "v:standards:2023:group:lead"
    assert at("platforms_national", column="names") == "v:platforms_national:names"
    assert (
        at("chain_cultivation", option="other", code="chain_cultivation:other:text") == "v:chain_cultivation:other_text"
    )
    assert at("plan_targets", row=2, column="target_2025") == "v:plan_targets:fixed:rd_expense:target_2025"
    assert at("plan_targets", row=9, column="label") == "v:plan_targets:added:0:label"
    assert at("truth_declaration", row=1, code="truth_declaration:signer1") == "v:truth_declaration:sig:1"
    assert at("chain_cultivation", option="chain_map", code="chain_cultivation:chain_map:evidence") == ""
