from decimal import Decimal

from apps.enterprises.selectors import duplicate_listings
from apps.enterprises.totals import cluster_totals, recognition_quality_counts
from tests.factories_enterprises import FirmQualificationFactory, FirmYearFactory


def test_a_firm_with_several_qualifications_counts_once(world):
    fy = FirmYearFactory(cluster=world.cluster_pudong)
    for kind, level in (("specialised", "municipal"), ("high_tech", "national"), ("innovative_sme", "none")):
        FirmQualificationFactory(firm_year=fy, kind=kind, level=level)
    other = FirmYearFactory(cluster=world.cluster_pudong)
    FirmQualificationFactory(firm_year=other, kind="high_tech", level="national")
    t = cluster_totals(world.cluster_pudong, 2024)
    assert t["quality_firm_count"].value == 2
    assert t["quality_firm_count"].inputs["资质条数"] == "4"
    assert t["national_high_tech_count"].value == 2
    assert recognition_quality_counts(world.cluster_pudong, 2024).ten_firm_rule == 2


def test_ten_firm_rule_counts_distinct_firms_and_is_met_at_ten(world):
    for i in range(10):
        fy = FirmYearFactory(cluster=world.cluster_pudong)
        FirmQualificationFactory(firm_year=fy, kind="specialised", level="municipal")
        if i < 5:
            FirmQualificationFactory(firm_year=fy, kind="innovative_sme", level="none")
    counts = recognition_quality_counts(world.cluster_pudong, 2024)
    assert counts.ten_firm_rule == 10 and counts.champion_or_giant == 0 and counts.meets


def test_output_is_converted_from_wan_yuan_to_yi_yuan_and_rd_stays_in_wan_yuan(world):
    FirmYearFactory(cluster=world.cluster_pudong, output_value=Decimal("123456.78"), rd_expense=Decimal("12.34"))
    FirmYearFactory(cluster=world.cluster_pudong, output_value=Decimal("76543.22"), rd_expense=Decimal("0.66"))
    t = cluster_totals(world.cluster_pudong, 2024)
    assert t["output_value"].value == Decimal("20.00") and t["output_value"].unit == "亿元"
    assert t["output_value"].inputs["产值合计（万元）"] == "200000.00"
    assert t["sme_rd_expense"].value == Decimal("13.00") and t["sme_rd_expense"].unit == "万元"
    assert t["firm_count"].provenance == "由企业库计算：2 家"


def test_large_firms_are_left_out_of_sme_totals_and_shares(world):
    FirmYearFactory(
        cluster=world.cluster_pudong, employees=2000, revenue=Decimal("50000"), output_value=Decimal("30000")
    )
    FirmYearFactory(cluster=world.cluster_pudong, employees=50, revenue=Decimal("5000"), output_value=Decimal("10000"))
    t = cluster_totals(world.cluster_pudong, 2024)
    assert t["sme_count"].value == 1 and t["firm_count"].value == 2
    assert t["sme_output_share"].value == Decimal("25.00")
    assert t["sme_employees"].value == 50
    assert t["patents_per_10k_sme_employees"].value == Decimal("1000.00")  # 5 patents / 50 × 10000


def test_no_list_gives_no_totals_and_ratios_need_a_denominator(world):
    assert cluster_totals(world.cluster_pudong, 2024) == {}
    FirmYearFactory(cluster=world.cluster_pudong, employees=2000, revenue=Decimal("50000"))
    t = cluster_totals(world.cluster_pudong, 2024)
    assert "cloud_sme_ratio" not in t and "sme_rd_intensity" not in t


def test_a_firm_listed_by_two_clusters_is_flagged_to_the_city_with_both_named(world):
    a = FirmYearFactory(cluster=world.cluster_pudong)
    FirmYearFactory(cluster=world.cluster_huangpu, firm=a.firm)
    FirmYearFactory(cluster=world.cluster_huangpu, firm=a.firm, year=2023)
    groups = duplicate_listings(world.city_staff, 2024)
    assert len(groups) == 1
    assert {c.name for c in groups[0]["clusters"]} == {world.cluster_pudong.name, world.cluster_huangpu.name}
    assert duplicate_listings(world.district, 2024) == []
    assert duplicate_listings(world.nobody) == []


def test_totals_are_two_aggregate_queries_whatever_the_list_size(world, django_assert_num_queries):
    for i in range(6):
        fy = FirmYearFactory(
            cluster=world.cluster_pudong,
            leading_industry_related=i % 2 == 0,
            listing_status="listed" if i < 3 else "tutoring",
        )
        FirmQualificationFactory(firm_year=fy, kind="specialised", level="municipal")
        FirmQualificationFactory(firm_year=fy, kind="little_giant", level="national")
    with django_assert_num_queries(2):
        t = cluster_totals(world.cluster_pudong, 2024)
    assert t["firm_count"].value == 6
    assert t["specialised_sme_count"].value == 3  # leading-industry related only
    assert t["listed_sme_count"].value == 2 and t["listing_tutoring_sme_count"].value == 1  # related: 0, 2, 4
    assert t["quality_firm_count"].value == 6 and t["quality_firm_count"].inputs["资质条数"] == "12"
    with django_assert_num_queries(1):
        counts = recognition_quality_counts(world.cluster_pudong, 2024)
    assert counts.champion_or_giant == 3 and counts.ten_firm_rule == 3
