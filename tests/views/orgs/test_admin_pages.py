import re

from django.urls import reverse

from apps.core.models import AuditEvent
from apps.orgs.models import Organisation, User


def _login(client, user):
    client.force_login(user)
    return client


def test_admin_sees_the_tree_under_it_but_not_another_province(client, world):
    html = _login(client, world.city_admin).get(reverse("orgs:list")).content.decode()
    assert world.pudong.name in html and world.op_pudong.name in html
    assert world.xihu.name not in html and world.ministry.name not in html


def test_non_admin_staff_is_refused_the_admin_section_with_a_chinese_reason(client, world):
    response = _login(client, world.city_staff).get(reverse("orgs:list"))
    assert response.status_code == 403
    assert "只有市/省主管部门管理员" in response.content.decode()


def test_no_access_user_gets_404_on_an_organisation_page(client, world):
    assert _login(client, world.nobody).get(reverse("orgs:detail", args=[world.pudong.pk])).status_code == 404


def test_editing_an_organisation_above_is_a_404_and_changes_nothing(client, world):
    response = _login(client, world.city_admin).post(
        reverse("orgs:edit", args=[world.ministry.pk]), {"name": "被篡改的部"}
    )
    assert response.status_code == 404
    world.ministry.refresh_from_db()
    assert world.ministry.name == "工业和信息化部"


def test_editing_its_own_organisation_is_refused_with_a_message_and_changes_nothing(client, world):
    response = _login(client, world.city_admin).post(
        reverse("orgs:edit", args=[world.shanghai.pk]), {"name": "改名", "short_name": "x"}
    )
    assert response.status_code == 403
    assert "不能修改本单位自身的信息" in response.content.decode()
    world.shanghai.refresh_from_db()
    assert world.shanghai.name == "上海市经济和信息化委员会"


def test_create_organisation_then_see_it_with_its_timeline(client, world):
    c = _login(client, world.city_admin)
    response = c.post(reverse("orgs:create", args=[world.pudong.pk]), {"name": "张江新运营公司", "kind": "operator"})
    org = Organisation.objects.get(name="张江新运营公司")
    assert response["Location"] == reverse("orgs:detail", args=[org.pk])
    html = c.get(response["Location"]).content.decode()
    assert "新建组织机构" in html and world.city_admin.display_name in html


def test_create_user_shows_the_initial_password_once(client, world):
    c = _login(client, world.city_admin)
    response = c.post(
        reverse("orgs:user_create", args=[world.op_pudong.pk]),
        {"username": "zj_new_op", "display_name": "新填报员", "roles": ["operator_staff"]},
    )
    html = response.content.decode()
    password = re.search(r'id="one-time-password">([^<]+)<', html).group(1)
    user = User.objects.get(username="zj_new_op")
    assert user.check_password(password) and user.must_change_password
    detail = c.get(reverse("orgs:user_detail", args=[user.pk])).content.decode()
    assert password not in detail


def test_create_user_with_a_taken_username_keeps_the_form_and_says_why(client, world):
    response = _login(client, world.city_admin).post(
        reverse("orgs:user_create", args=[world.op_pudong.pk]), {"username": "op_pudong", "roles": ["operator_staff"]}
    )
    assert "登录名“op_pudong”已被使用" in response.content.decode()


def test_deactivate_user_without_reason_is_refused_then_with_reason_is_recorded(client, world):
    c = _login(client, world.city_admin)
    url = reverse("orgs:user_status", args=[world.operator.pk])
    assert "停用账号须填写原因" in c.post(url, {"reason": ""}).content.decode()
    world.operator.refresh_from_db()
    assert world.operator.is_active
    assert c.post(url, {"reason": "人员调整"}).status_code == 302
    world.operator.refresh_from_db()
    assert not world.operator.is_active
    html = c.get(reverse("orgs:user_detail", args=[world.operator.pk])).content.decode()
    assert "停用账号" in html and "人员调整" in html


def test_reset_password_page_requires_post_and_shows_the_new_password(client, world):
    c = _login(client, world.city_admin)
    url = reverse("orgs:user_reset", args=[world.district.pk])
    assert "确认重置" in c.get(url).content.decode()
    old = world.district.password
    html = c.post(url).content.decode()
    world.district.refresh_from_db()
    assert world.district.password != old and "此密码只显示这一次" in html
    assert AuditEvent.objects.filter(action="user.reset_password", object_id=str(world.district.pk)).exists()


def test_change_roles_page_offers_only_roles_of_the_organisation_kind(client, world):
    html = _login(client, world.city_admin).get(reverse("orgs:user_roles", args=[world.district.pk])).content.decode()
    assert 'value="district_reviewer"' in html and 'value="authority_admin"' not in html
