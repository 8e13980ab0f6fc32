import pytest

from apps.core.audit import timeline_for
from apps.core.errors import AccessDenied, ServiceError
from apps.core.models import AuditEvent
from apps.orgs import services
from apps.orgs.models import Organisation, OrgKind, Role, User


def _org_state(org):
    org.refresh_from_db()
    return (org.name, org.short_name, org.region_name, org.is_active)


def test_city_admin_cannot_edit_the_ministry_above_it_and_nothing_changes(world):
    before = _org_state(world.ministry)
    events = AuditEvent.objects.count()
    with pytest.raises(AccessDenied) as exc:
        services.organisation_update(actor=world.city_admin, organisation=world.ministry, name="改名")
    assert exc.value.message == "不能修改上级或辖区外的组织机构。"
    assert _org_state(world.ministry) == before
    assert AuditEvent.objects.count() == events


def test_city_admin_cannot_edit_its_own_organisation(world):
    before = _org_state(world.shanghai)
    with pytest.raises(AccessDenied, match="本单位自身"):
        services.organisation_update(actor=world.city_admin, organisation=world.shanghai, short_name="市经信委")
    assert _org_state(world.shanghai) == before


def test_city_admin_cannot_deactivate_another_province(world):
    with pytest.raises(AccessDenied, match="辖区外"):
        services.organisation_set_active(actor=world.city_admin, organisation=world.xihu, active=False, reason="x")
    world.xihu.refresh_from_db()
    assert world.xihu.is_active


def test_a_district_reviewer_cannot_edit_its_parent(world):
    with pytest.raises(AccessDenied, match="管理员"):
        services.organisation_update(actor=world.district, organisation=world.shanghai, name="x")


def test_city_admin_edits_a_district_and_the_timeline_shows_before_and_after(world):
    services.organisation_update(actor=world.city_admin, organisation=world.pudong, short_name="浦东科经委")
    event = timeline_for(world.pudong).first()
    assert event.action == "organisation.update"
    assert event.actor == world.city_admin
    assert event.changes == {"short_name": ["", "浦东科经委"]}


def test_deactivating_an_organisation_needs_a_reason(world):
    with pytest.raises(ServiceError, match="原因"):
        services.organisation_set_active(actor=world.city_admin, organisation=world.op_empty, active=False)
    services.organisation_set_active(
        actor=world.city_admin, organisation=world.op_empty, active=False, reason="机构注销"
    )
    world.op_empty.refresh_from_db()
    assert not world.op_empty.is_active
    assert timeline_for(world.op_empty).first().note == "机构注销"


def test_a_deactivated_organisation_takes_its_users_scope_away(world):
    from apps.clusters.selectors import clusters_visible_to

    services.organisation_set_active(actor=world.city_admin, organisation=world.op_pudong, active=False, reason="更换")
    world.operator.refresh_from_db()
    assert not clusters_visible_to(world.operator).exists()


def test_city_admin_creates_an_operator_under_a_district_but_not_under_an_operator(world):
    org = services.organisation_create(
        actor=world.city_admin, name="新运营机构", kind=OrgKind.OPERATOR, parent=world.pudong
    )
    assert org.path.startswith(world.pudong.path)
    with pytest.raises(AccessDenied, match="不能设立"):
        services.organisation_create(actor=world.city_admin, name="下挂", kind=OrgKind.OPERATOR, parent=org)


def test_user_creation_generates_a_valid_initial_password_that_must_be_changed(world):
    user, initial = services.user_create(
        actor=world.city_admin, username="new_reviewer", organisation=world.pudong, roles={Role.DISTRICT_REVIEWER}
    )
    assert len(initial) >= 10 and user.check_password(initial)
    assert user.must_change_password
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert initial not in str(event.changes)


def test_roles_not_allowed_for_the_organisation_kind_are_refused(world):
    with pytest.raises(AccessDenied, match="不能授予角色"):
        services.user_create(
            actor=world.city_admin, username="bad_roles", organisation=world.pudong, roles={Role.AUTHORITY_ADMIN}
        )
    assert not User.objects.filter(username="bad_roles").exists()


def test_changing_roles_is_audited_with_labels(world):
    services.user_set_roles(
        actor=world.city_admin, user=world.city_staff, roles={Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN}
    )
    event = timeline_for(world.city_staff).first()
    assert event.changes["roles"] == [
        [Role.AUTHORITY_STAFF.label],
        [Role.AUTHORITY_ADMIN.label, Role.AUTHORITY_STAFF.label],
    ]


def test_an_admin_cannot_change_its_own_roles(world):
    with pytest.raises(AccessDenied, match="自己"):
        services.user_set_roles(actor=world.city_admin, user=world.city_admin, roles={Role.AUTHORITY_STAFF})


def test_zhejiang_admin_cannot_reset_a_shanghai_password(world):
    old_hash = world.district.password
    with pytest.raises(AccessDenied, match="本辖区"):
        services.user_reset_password(actor=world.province_zj_admin, user=world.district)
    world.district.refresh_from_db()
    assert world.district.password == old_hash


def test_deactivate_and_reactivate_a_user_with_a_reason(world):
    with pytest.raises(ServiceError, match="原因"):
        services.user_set_active(actor=world.city_admin, user=world.operator, active=False, reason="")
    services.user_set_active(actor=world.city_admin, user=world.operator, active=False, reason="离职")
    services.user_set_active(actor=world.city_admin, user=world.operator, active=True, reason="返岗")
    actions = list(timeline_for(world.operator).values_list("action", flat=True)[:2])
    assert actions == ["user.activate", "user.deactivate"]


def test_organisation_names_are_unique_under_one_parent(world):
    with pytest.raises(ServiceError, match="已有名为"):
        services.organisation_create(
            actor=world.city_admin, name="浦东新区科经委", kind=OrgKind.DISTRICT, parent=world.shanghai, region_name="x"
        )
    assert Organisation.objects.filter(name="浦东新区科经委").count() == 1
