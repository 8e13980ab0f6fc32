"""Forms of the cluster registry pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from apps.orgs.models import Organisation, OrgKind

from .models import ClusterStatus, Domain, IndustryType, MajorChangeKind, RecognitionLevel

INPUT = {"class": "form-control"}
SELECT = {"class": "form-select"}
AREA = {"class": "form-control", "rows": 3}


class DistrictChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.region_name}）"


class OperatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.parent}）"


class ClusterForm(forms.Form):
    name = forms.CharField(
        label="集群名称",
        max_length=120,
        widget=forms.TextInput(INPUT),
        help_text="格式：上海市XX区XX产业集群（须与所属区县一致）。",
    )
    short_name = forms.CharField(label="简称", max_length=60, required=False, widget=forms.TextInput(INPUT))
    district = forms.ModelChoiceField(
        label="所属区县", queryset=Organisation.objects.none(), widget=forms.Select(SELECT)
    )
    operator = OperatorChoiceField(
        label="集群运营管理机构",
        queryset=Organisation.objects.none(),
        widget=forms.Select(SELECT),
        help_text="须为所选区县下的运营管理机构；如未列出，请先在“组织与用户”中新建。",
    )
    leading_industry = forms.CharField(label="主导产业（细分领域）", max_length=120, widget=forms.TextInput(INPUT))
    domain = forms.ChoiceField(label="主导产业所属产业领域", choices=Domain.choices, widget=forms.Select(SELECT))
    domain_other = forms.CharField(
        label="其他领域说明",
        max_length=60,
        required=False,
        widget=forms.TextInput(INPUT),
        help_text="选择“其他”时填写。",
    )
    industry_type = forms.ChoiceField(label="产业类型", choices=IndustryType.choices, widget=forms.Select(SELECT))
    area_km2 = forms.DecimalField(
        label="集群占地面积（平方公里）", max_digits=10, decimal_places=2, min_value=0, widget=forms.NumberInput(INPUT)
    )
    core_parks = forms.CharField(label="核心园区", required=False, widget=forms.Textarea(AREA))
    description = forms.CharField(label="简介", required=False, max_length=2000, widget=forms.Textarea(AREA))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, districts: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district_field = self.fields["district"]
        operator_field = self.fields["operator"]
        assert isinstance(district_field, forms.ModelChoiceField)
        assert isinstance(operator_field, forms.ModelChoiceField)
        district_field.queryset = districts.filter(is_active=True)
        operator_field.queryset = Organisation.objects.filter(
            kind=OrgKind.OPERATOR, is_active=True, parent__in=districts
        ).select_related("parent")


class RecognitionForm(forms.Form):
    level = forms.ChoiceField(label="认定级别", choices=RecognitionLevel.choices, widget=forms.Select(SELECT))
    batch_year = forms.IntegerField(label="批次年份", min_value=2000, widget=forms.NumberInput(INPUT))
    document_number = forms.CharField(
        label="认定文号",
        max_length=80,
        required=False,
        widget=forms.TextInput(INPUT),
        help_text="如 沪经信企〔2025〕XX号",
    )
    valid_from = forms.DateField(label="有效期起", widget=forms.DateInput({"class": "form-control", "type": "date"}))
    valid_to = forms.DateField(
        label="有效期止",
        required=False,
        widget=forms.DateInput({"class": "form-control", "type": "date"}),
        help_text="留空则按三年有效期计算。",
    )
    status = forms.ChoiceField(
        label="状态", choices=ClusterStatus.choices, initial=ClusterStatus.RECOGNISED, widget=forms.Select(SELECT)
    )
    reason = forms.CharField(label="说明", required=False, widget=forms.Textarea(AREA))


class RecognitionStatusForm(forms.Form):
    status = forms.ChoiceField(label="新状态", choices=ClusterStatus.choices, widget=forms.Select(SELECT))
    reason = forms.CharField(
        label="变更原因",
        widget=forms.Textarea(AREA),
        help_text="如撤销，请写明依据（管理办法第十九条第几项）。",
        required=False,
    )


class MajorChangeForm(forms.Form):
    kind = forms.ChoiceField(label="变动类型", choices=MajorChangeKind.choices, widget=forms.Select(SELECT))
    after = forms.CharField(
        label="变更后", widget=forms.Textarea(AREA), help_text="变更前的内容由系统按当前登记信息填写。"
    )
    reason = forms.CharField(label="变更说明", widget=forms.Textarea(AREA))
    effective_date = forms.DateField(
        label="变更日期",
        initial=timezone.localdate,
        widget=forms.DateInput({"class": "form-control", "type": "date"}),
    )


class MajorChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="确认意见",
        choices=[("confirm", "确认"), ("reject", "不予确认")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(AREA), help_text="不予确认时必填。")
