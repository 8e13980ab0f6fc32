"""Forms of the jurisdiction admin pages (组织与用户管理)."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import ALLOWED_PARENT_KINDS, Organisation, OrgKind, ProvincialType
from .services import roles_for_kind

INPUT = {"class": "form-control"}


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


SELECT = {"class": "form-select"}


class OrganisationCreateForm(forms.Form):
    name = forms.CharField(label="名称", max_length=200, widget=forms.TextInput(INPUT))
    short_name = forms.CharField(label="简称", max_length=60, required=False, widget=forms.TextInput(INPUT))
    kind = forms.ChoiceField(label="类型", widget=forms.Select(SELECT))
    provincial_type = forms.ChoiceField(
        label="省级单位类型",
        required=False,
        choices=[("", "—"), *ProvincialType.choices],
        widget=forms.Select(SELECT),
        help_text="仅省级单位填写。",
    )
    region_name = forms.CharField(
        label="行政区划名称",
        max_length=60,
        required=False,
        widget=forms.TextInput(INPUT),
        help_text="如“浦东新区”“杭州市”，用于核对集群名称格式；区县必填。",
    )
    contact_name = forms.CharField(label="联系人", max_length=60, required=False, widget=forms.TextInput(INPUT))
    contact_phone = forms.CharField(label="联系电话", max_length=60, required=False, widget=forms.TextInput(INPUT))

    def __init__(self, *args: Any, parent: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [(k.value, k.label) for k in OrgKind if parent.kind in ALLOWED_PARENT_KINDS[k.value]]
        _choice_field(self, "kind").choices = kinds


class OrganisationEditForm(forms.Form):
    name = forms.CharField(label="名称", max_length=200, widget=forms.TextInput(INPUT))
    short_name = forms.CharField(label="简称", max_length=60, required=False, widget=forms.TextInput(INPUT))
    region_name = forms.CharField(label="行政区划名称", max_length=60, required=False, widget=forms.TextInput(INPUT))
    contact_name = forms.CharField(label="联系人", max_length=60, required=False, widget=forms.TextInput(INPUT))
    contact_phone = forms.CharField(label="联系电话", max_length=60, required=False, widget=forms.TextInput(INPUT))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因",
        max_length=500,
        required=False,
        widget=forms.Textarea({"class": "form-control", "rows": 3}),
        help_text="停用时必填，将记入操作日志。",
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label="登录名", max_length=150, widget=forms.TextInput(INPUT))
    display_name = forms.CharField(label="姓名/称呼", max_length=60, required=False, widget=forms.TextInput(INPUT))
    email = forms.EmailField(label="电子邮箱", required=False, widget=forms.EmailInput(INPUT))
    phone = forms.CharField(label="联系电话", max_length=40, required=False, widget=forms.TextInput(INPUT))
    roles = forms.MultipleChoiceField(label="角色", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "roles").choices = roles_for_kind(organisation.kind)


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label="角色", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "roles").choices = roles_for_kind(organisation.kind)
