"""Expert review: conflicts refused, reproducible random draw, hidden scores, aggregation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from apps.clusters.models import Domain
from apps.core.errors import ServiceError
from apps.core.models import AuditEvent
from apps.orgs.models import Assignment
from apps.workflow.models import ExpertDraw, ExpertScore, ReviewAssignment
from apps.workflow.selectors import submissions_visible_to
from apps.workflow.services import (
    aggregate_scores,
    conflict_declare,
    expert_draw,
    expert_draw_replay,
    review_assign,
    score_save,
    transition_apply,
)
from apps.workflow.services.experts import scores_visible_to
from tests import factories as f
from tests import factories_workflow as fw

ALL_FULL = {
    "compliance": "5",
    "competitiveness": "18",
    "quality_firms": "9",
    "chain": "8",
    "innovation": "12",
    "digital": "8",
    "green": "8",
    "openness": "4",
    "governance": "12",
}  # 84


def _items(total_shift: int) -> dict[str, str]:
    items = dict(ALL_FULL)
    items["competitiveness"] = str(18 + total_shift)
    return items


@pytest.fixture
def review(world: Any) -> Any:
    c = fw.campaign(world.shanghai, world.city_staff)
    sub = fw.submission(c, world.cluster_pudong, state="expert_review")
    experts = [fw.expert(world.expert_pool, f"exp{i}", specialties=[Domain.ELECTRONIC_INFORMATION]) for i in range(6)]
    return c, sub, experts


def _state() -> tuple[Any, ...]:
    return (
        ReviewAssignment.objects.count(),
        Assignment.objects.count(),
        ExpertDraw.objects.count(),
        AuditEvent.objects.count(),
    )


def test_an_expert_from_the_same_district_is_refused_with_the_reason_and_nothing_changes(
    world: Any, review: Any
) -> None:
    _c, sub, _experts = review
    local = fw.expert(world.expert_pool, "local", specialties=[Domain.ELECTRONIC_INFORMATION], district=world.pudong)
    before = _state()
    with pytest.raises(ServiceError, match=r"须回避.*同属“浦东新区科经委”") as exc:
        review_assign(actor=world.city_staff, submission=sub, expert=local)
    assert exc.value.code == "conflict"
    assert _state() == before


def test_declared_affiliation_with_the_operator_and_declared_conflicts_are_refused(world: Any, review: Any) -> None:
    _c, sub, experts = review
    experts[0].expert_profile.affiliated_orgs.add(world.op_pudong)
    conflict_declare(actor=experts[1], cluster=world.cluster_pudong, reason="曾为该园区提供咨询服务")
    before = _state()
    with pytest.raises(ServiceError, match="关联单位包含运营管理机构"):
        review_assign(actor=world.city_staff, submission=sub, expert=experts[0])
    with pytest.raises(ServiceError, match="专家本人申报回避：曾为该园区提供咨询服务"):
        review_assign(actor=world.city_staff, submission=sub, expert=experts[1])
    assert _state() == before


def test_the_random_draw_is_load_balanced_domain_matched_free_of_conflicts_and_replays(world: Any, review: Any) -> None:
    c, sub, experts = review
    other = fw.submission(c, world.cluster_huangpu, state="expert_review")
    experts[0].expert_profile.affiliated_orgs.add(world.op_pudong)
    fw.expert(world.expert_pool, "bio", specialties=[Domain.BIOMEDICINE])
    world.cluster_huangpu.domain = Domain.ELECTRONIC_INFORMATION
    world.cluster_huangpu.save()
    draw, plan = expert_draw(
        actor=world.city_staff, campaign=c, submissions=[sub, other], per_submission=3, seed="abc123"
    )
    assert draw is not None and not plan.problems
    chosen = plan.assignments
    assert experts[0].pk not in chosen[sub.pk]
    assert all(e in {x.pk for x in experts} for ids in chosen.values() for e in ids)
    loads = [sum(e in ids for ids in chosen.values()) for e in [x.pk for x in experts]]
    assert max(loads) - min(loads) <= 1
    assert expert_draw_replay(draw)
    assert ReviewAssignment.objects.filter(draw=draw).count() == 6
    # Each drawn expert now sees the submission (scoping through orgs.Assignment).
    drawn = ReviewAssignment.objects.filter(submission=sub).first().expert
    assert submissions_visible_to(drawn).filter(pk=sub.pk).exists()
    assert not submissions_visible_to(experts[0]).filter(pk=sub.pk).exists()


def test_a_tampered_draw_no_longer_replays(world: Any, review: Any) -> None:
    c, sub, _experts = review
    draw, _plan = expert_draw(actor=world.city_staff, campaign=c, submissions=[sub], per_submission=3, seed="s1")
    assert draw is not None
    ids = draw.result[str(sub.pk)]
    draw.result = {str(sub.pk): [*list(reversed(ids))[:2], 999]}
    assert not expert_draw_replay(draw)


def test_a_draw_without_enough_matching_experts_assigns_nobody(world: Any, review: Any) -> None:
    c, sub, _experts = review
    before = _state()
    with pytest.raises(ServiceError, match=r"符合条件.*只有 6 名，需要 7 名.*全部不变"):
        expert_draw(actor=world.city_staff, campaign=c, submissions=[sub], per_submission=7, seed="x")
    assert _state() == before


def test_an_expert_cannot_see_other_scores_before_submitting_their_own(world: Any, review: Any) -> None:
    _c, sub, experts = review
    for e in experts[:3]:
        review_assign(actor=world.city_staff, submission=sub, expert=e)
    score_save(actor=experts[0], submission=sub, items=_items(0), comment="符合条件", submit=True)
    score_save(actor=experts[1], submission=sub, items=_items(1), comment="", submit=False)
    assert [s.assignment.expert for s in scores_visible_to(experts[1], sub)] == [experts[1]]
    assert scores_visible_to(experts[2], sub) == []
    score_save(actor=experts[1], submission=sub, items=_items(1), comment="同意", submit=True)
    assert {s.assignment.expert for s in scores_visible_to(experts[1], sub)} == {experts[0], experts[1]}
    with pytest.raises(ServiceError, match="已提交评分，不能再修改"):
        score_save(actor=experts[1], submission=sub, items=_items(2), comment="改", submit=True)


def test_a_score_above_the_item_maximum_is_refused_naming_the_item(world: Any, review: Any) -> None:
    _c, sub, experts = review
    review_assign(actor=world.city_staff, submission=sub, expert=experts[0])
    bad = dict(ALL_FULL, green="11")
    with pytest.raises(ServiceError, match="“绿色化发展”的得分应在 0 至 10 之间"):
        score_save(actor=experts[0], submission=sub, items=bad, comment="x", submit=True)
    assert not ExpertScore.objects.exists()


def test_mean_below_five_trimmed_mean_from_five_and_a_disagreement_flag(world: Any, review: Any) -> None:
    _c, sub, experts = review
    shifts = [-16, -2, 0, 1, 2]  # totals 68, 82, 84, 85, 86
    for e in experts[:5]:
        review_assign(actor=world.city_staff, submission=sub, expert=e)
    for e, s in list(zip(experts[:5], shifts, strict=True))[:4]:
        score_save(actor=e, submission=sub, items=_items(s), comment="意见", submit=True)
    agg = aggregate_scores(sub)
    assert agg.count == 4 and agg.trimmed_mean is None
    assert agg.final == Decimal("79.75")
    assert not agg.disagreement  # spread 17 ≤ 20
    score_save(actor=experts[4], submission=sub, items=_items(2), comment="意见", submit=True)
    agg = aggregate_scores(sub)
    assert agg.mean == Decimal("81.00")
    assert agg.trimmed_mean == Decimal("83.67") == agg.final
    assert agg.spread == Decimal("18.00") and not agg.disagreement


def test_disagreement_is_flagged_when_the_spread_exceeds_the_threshold(world: Any, review: Any) -> None:
    _c, sub, experts = review
    for e in experts[:2]:
        review_assign(actor=world.city_staff, submission=sub, expert=e)
    low = {k: "0" for k in ALL_FULL}
    score_save(actor=experts[0], submission=sub, items=low, comment="不符合", submit=True)
    score_save(actor=experts[1], submission=sub, items=ALL_FULL, comment="符合", submit=True)
    assert aggregate_scores(sub).disagreement


def test_expert_review_cannot_end_before_every_score_is_in(world: Any, review: Any) -> None:
    _c, sub, experts = review
    for e in experts[:3]:
        review_assign(actor=world.city_staff, submission=sub, expert=e)
    score_save(actor=experts[0], submission=sub, items=ALL_FULL, comment="符合", submit=True)
    with pytest.raises(ServiceError, match=r"已提交 1/3"):
        transition_apply(
            actor=world.city_staff, instance=sub, transition="propose", comment="", expected_state="expert_review"
        )
    sub.refresh_from_db()
    assert sub.state == "expert_review"


def test_an_expert_not_assigned_cannot_score(world: Any, review: Any) -> None:
    _c, sub, experts = review
    other_cluster = f.ClusterFactory(name="上海市黄浦区测试产业集群", district=world.huangpu, operator=world.op_huangpu)
    assert other_cluster
    with pytest.raises(ServiceError, match="未分配给您评审"):
        score_save(actor=experts[0], submission=sub, items=ALL_FULL, comment="x", submit=True)
