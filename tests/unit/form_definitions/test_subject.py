"""填报对象 (`subject`): a template says whether a filing is about one cluster (default) or about a
district (区级表单: the district summary, 沪经信企〔2025〕73号 附件2); a published file says it through
a `<code>/<version>.subject.yaml` overlay; a district form must be the county department's."""

from __future__ import annotations

from apps.filings.definitions.loader import check_template_text

from .demo_texts import demo_template

HEAD = demo_template()
COUNTY = 'code: demo\nversion: "1"\nsource: 测试\napplicant: county\n'
DISTRICT = 'code: demo\nversion: "1"\nsource: 73号 附件2\nsubject: district\n'


def _check(head: str = HEAD, applicant: str | None = None, subject: str | None = None) -> tuple[object, list[str]]:
    template, problems = check_template_text(
        head,
        "demo/1.yaml",
        applicant_overlay=(applicant, "demo/1.applicant.yaml") if applicant else None,
        subject_overlay=(subject, "demo/1.subject.yaml") if subject else None,
    )
    return template, [str(p) for p in problems]


def test_a_template_is_about_a_cluster_unless_it_or_its_overlay_names_the_district() -> None:
    template, problems = _check()
    assert problems == [] and template.subject == "cluster"  # type: ignore[attr-defined]
    template, problems = _check(applicant=COUNTY, subject=DISTRICT)
    assert problems == [] and template.subject == "district"  # type: ignore[attr-defined]
    head = HEAD.replace("status: published\n", "status: published\napplicant: county\nsubject: district\n")
    template, problems = _check(head)
    assert problems == [] and template.subject == "district"  # type: ignore[attr-defined]


def test_a_district_form_whose_applicant_is_the_operator_is_refused_in_chinese() -> None:
    template, problems = _check(subject=DISTRICT)
    assert template is None
    assert problems == [
        "demo/1.subject.yaml:1: subject: 填报对象为区（县）的表单，"
        "申报主体应为县级（区级）中小企业主管部门（applicant: county）"
    ]


def test_an_unknown_subject_or_a_contradicting_overlay_is_named_in_chinese() -> None:
    _template, problems = _check(applicant=COUNTY, subject=DISTRICT.replace("district", "city"))
    assert problems == [
        "demo/1.subject.yaml:4: subject: 填报对象“city”不在允许范围内，应为：cluster（集群）、district（区（县））"
    ]
    head = HEAD.replace("status: published\n", "status: published\nsubject: cluster\n")
    _template, problems = _check(head, applicant=COUNTY, subject=DISTRICT)
    assert problems == ["demo/1.subject.yaml:4: subject: 模板中已写明填报对象为 cluster，补充文件不能另行规定"]
    _template, problems = _check(HEAD.replace("status: published\n", "status: published\nsubject: town\n"))
    assert problems == [
        "demo/1.yaml:6: subject: 填报对象“town”不在允许范围内，应为：cluster（集群）、district（区（县））"
    ]
