"""A new filing uses the current version of each form; older published versions stay loadable."""

from apps.filings.definitions import current_templates, list_templates, load_template
from apps.filings.definitions.loader import version_key


def test_versions_are_ordered_by_the_last_year_they_name() -> None:
    assert version_key("2020-2022") < version_key("2025") < version_key("2026")


def test_a_revision_of_a_year_comes_after_that_year_and_before_the_next() -> None:
    assert version_key("2025") < version_key("2025.2") < version_key("2025.10") < version_key("2026")


def test_current_templates_offer_only_the_newest_published_version_of_each_form() -> None:
    current = {(t.code, t.version) for t in current_templates()}
    assert ("sh_municipal_application", "2025.2") in current
    assert ("sh_municipal_application", "2025") not in current
    assert ("sh_municipal_application", "2020-2022") not in current
    assert len({code for code, _ in current}) == len(current)


def test_the_older_application_stays_published_and_loadable_for_its_filings() -> None:
    assert any(t.code == "sh_municipal_application" and t.version == "2020-2022" for t in list_templates())
    assert load_template("sh_municipal_application", "2020-2022").version == "2020-2022"


def test_the_first_2025_forms_stay_loadable_after_their_corrected_revision() -> None:
    for code in ("sh_municipal_application", "sh_annual_report", "national_application", "national_rereview"):
        assert load_template(code, "2025").version == "2025"
        assert load_template(code, "2025.2").version == "2025.2"
