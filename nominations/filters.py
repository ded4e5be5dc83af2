"""django-filter filter sets for the secretariat's inbox and the platform's logs.

Every choice list starts from the user's visible querysets (``nominations.policy``), so a filter can
never reveal another unit's member units.
"""

from collections.abc import Mapping
from typing import Any

import django_filters
from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet

from nominations import policy
from nominations.audit import verb_labels
from nominations.models import (
    AuditEvent,
    Campaign,
    Domain,
    MailKind,
    MemberUnit,
    Nomination,
    RankingList,
    RecommendingUnit,
    SentMail,
    State,
)
from nominations.policy import STAFF_HIDDEN_STATES


def style(form: forms.Form) -> forms.Form:
    """Bootstrap classes on a filter form's widgets."""
    for field in form.fields.values():
        css = "form-select" if hasattr(field.widget, "choices") else "form-control"
        field.widget.attrs.setdefault("class", css)
    return form


INBOX_STATES = [(value, label) for value, label in State.choices if value not in STAFF_HIDDEN_STATES]


class YesNoAllSelect(forms.NullBooleanSelect):
    """A yes/no filter whose empty choice reads 全部 (Django's reads 未知, "unknown")."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", "全部"), ("true", "是"), ("false", "否")]


class InboxFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="搜索")
    ranking_list = django_filters.ModelChoiceFilter(
        queryset=RankingList.objects.none(), label="榜单", empty_label="全部榜单"
    )
    domain = django_filters.ModelChoiceFilter(queryset=Domain.objects.none(), label="领域", empty_label="全部领域")
    state = django_filters.ChoiceFilter(choices=INBOX_STATES, label="状态", empty_label="全部状态")
    member_unit = django_filters.ModelChoiceFilter(queryset=None, label="会员单位", empty_label="全部会员单位")
    flagged = django_filters.BooleanFilter(
        field_name="earlier_listed", lookup_expr="isnull", exclude=True, label="疑似历年入榜", widget=YesNoAllSelect
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("submitted_at", "submitted_at"),
            ("updated_at", "updated_at"),
            ("title", "title"),
            ("state", "state"),
            ("member_unit__name", "member_unit"),
            ("ranking_list__order", "ranking_list"),
        ),
        field_labels={
            "submitted_at": "提交时间",
            "updated_at": "更新时间",
            "title": "名称",
            "state": "状态",
            "member_unit__name": "会员单位",
            "ranking_list__order": "榜单",
        },
        label="排序",
        empty_label="默认排序（最近提交）",
    )

    class Meta:
        model = Nomination
        fields = []

    def __init__(
        self,
        data: Mapping | None = None,
        queryset: QuerySet | None = None,
        *,
        user: AbstractBaseUser | None = None,
        campaign: Campaign | None = None,
        **kwargs: Any,
    ) -> None:
        """``user``: the reader, whose visible member units are the only choices; ``campaign``: its lists."""
        super().__init__(data, queryset, **kwargs)
        lists = RankingList.objects.filter(campaign=campaign) if campaign else RankingList.objects.none()
        self.filters["ranking_list"].queryset = lists
        self.filters["domain"].queryset = Domain.objects.filter(ranking_list__in=lists).select_related("ranking_list")
        self.filters["member_unit"].queryset = (
            policy.visible_member_units(user) if user is not None else MemberUnit.objects.none()
        )
        style(self.form)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(member_unit__name__icontains=value))


class AuditFilter(django_filters.FilterSet):
    verb = django_filters.ChoiceFilter(choices=(), label="操作", empty_label="全部操作")
    recommending_unit = django_filters.ModelChoiceFilter(
        queryset=RecommendingUnit.objects.all(), label="推荐单位", empty_label="全部推荐单位"
    )

    class Meta:
        model = AuditEvent
        fields = ["verb", "recommending_unit"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["verb"].extra["choices"] = sorted(verb_labels().items(), key=lambda item: item[1])
        style(self.form)


class MailFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=MailKind.choices, label="类型", empty_label="全部类型")
    q = django_filters.CharFilter(method="search", label="收件人或主题")

    class Meta:
        model = SentMail
        fields = ["kind"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self.form)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(Q(to__icontains=value) | Q(subject__icontains=value)) if value else queryset
