"""The one Excel import page: member units (the secretariat), recommending units and pioneers (the
platform). Upload → a preview of every row → import all rows or none. The gate is the caller's
(``secretariat.member_import``, ``platform.import_view``); the rules are ``nominations.membership``'s.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from nominations import membership
from nominations.forms.fields import first_error
from nominations.forms.staff import ImportApplyForm, ImportUploadForm
from nominations.rules.decision import Refused


@dataclass(frozen=True)
class ImportKind:
    """One kind of import: its page, its columns, the service's preview and apply, where it returns."""

    title: str
    columns: tuple[str, ...]
    preview: Callable[..., membership.ImportPreview]  # (scope, file)
    apply: Callable[..., list]  # (user, scope, payload)
    page: str  # the URL name of this page
    back: str  # the URL name of the list the rows go to
    done: str  # the success message, with ``{count}``
    hint: str = ""
    page_kwargs: dict[str, str] = field(default_factory=dict)

    def page_url(self) -> str:
        return reverse(self.page, kwargs=self.page_kwargs)


SENT_LINKS = "并向各联系邮箱发送了设置密码的链接。"

MEMBER_IMPORT = ImportKind(
    title="从 Excel 导入会员单位",
    columns=membership.MEMBER_COLUMNS,
    preview=membership.preview_member_import,
    apply=membership.apply_member_import,
    page="secretariat:member_import",
    back="secretariat:members",
    done="已导入 {count} 家会员单位，" + SENT_LINKS,
)

PLATFORM_IMPORTS = {
    "units": ImportKind(
        title="从 Excel 导入推荐单位",
        columns=membership.UNIT_COLUMNS,
        preview=membership.preview_unit_import,
        apply=membership.apply_unit_import,
        page="platform:import",
        page_kwargs={"kind": "units"},
        back="platform:units",
        done="已导入 {count} 条，" + SENT_LINKS,
        hint="多个推荐渠道用分号分隔，渠道名称与通知一致。",
    ),
    "pioneers": ImportKind(
        title="从 Excel 导入先锋人物",
        columns=membership.PIONEER_COLUMNS,
        preview=membership.preview_pioneer_import,
        apply=membership.apply_pioneer_import,
        page="platform:import",
        page_kwargs={"kind": "pioneers"},
        back="platform:pioneers",
        done="已导入 {count} 条，" + SENT_LINKS,
        hint="入选年度留空则按上一年度处理。",
    ),
}


def import_page(request: HttpRequest, kind: ImportKind, scope: Any, **context: Any) -> HttpResponse:
    """The import page of ``kind`` into ``scope`` (the secretariat's unit or the campaign).

    An upload shows the preview; posting the preview's signed payload imports. A refused import shows
    its preview again with each row's problems; any other refusal (an expired preview) starts over."""
    preview, status = None, 200
    upload = ImportUploadForm()
    applying = ImportApplyForm(request.POST) if request.method == "POST" and "payload" in request.POST else None
    if applying is not None and not applying.is_valid():
        messages.error(request, first_error(applying))
        status = 400
    elif applying is not None:
        try:
            created = kind.apply(request.user, scope, applying.cleaned_data["payload"])
        except Refused as refusal:
            messages.error(request, str(refusal))
            preview = refusal.detail  # an ImportRefused carries the preview
            if preview is None:
                return redirect(kind.page_url())
        else:
            messages.success(request, kind.done.format(count=len(created)))
            return redirect(kind.back)
    else:
        upload = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and upload.is_valid():
            preview = kind.preview(scope, upload.cleaned_data["file"])
    context.update(
        upload=upload,
        preview=preview,
        title=kind.title,
        columns=kind.columns,
        hint=kind.hint,
        back_url=reverse(kind.back),
        action_url=kind.page_url(),
    )
    return render(request, "nominations/secretariat/import.html", context, status=status)
