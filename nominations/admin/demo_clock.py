"""The admin page of the demo clock: the simulated time, a field to set it and the key moments of 2023."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from kczg_site import clock
from nominations import policy
from nominations.demo import demo_moments, move_demo_clock
from nominations.forms.fields import PlainTextField
from nominations.models import DemoClock


class DemoClockForm(forms.Form):
    """The field sends ``moment``; a quick button sends ``preset`` (an ISO time with its offset)."""

    moment = forms.DateTimeField(
        label="模拟时间",
        help_text="北京时间，例如 2023-11-20 16:55。",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}, format="%Y-%m-%dT%H:%M:%S"),
        input_formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": "请填写有效的日期和时间，例如 2023-11-20 16:55。"},
    )
    preset = PlainTextField(required=False, max_length=40, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "preset" in self.errors:
            # The page shows the field's errors: a bad quick button's value is reported there.
            self.add_error("moment", self.errors.pop("preset"))
        elif data.get("preset"):
            try:
                data["moment"] = self.fields["moment"].clean(data["preset"])
            except forms.ValidationError as error:
                self.add_error("moment", error)
        elif not data.get("moment") and "moment" not in self.errors:
            self.add_error("moment", "请填写模拟时间。")
        return data


@admin.register(DemoClock)
class DemoClockAdmin(admin.ModelAdmin):
    """One page: the simulated time, a field to set it and buttons for the key moments of 2023."""

    page_template = "admin/nominations/demo_clock.html"

    def _may_move(self, request: HttpRequest) -> bool:
        return bool(policy.may(request.user, "move_demo_clock"))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_move(request)

    def has_view_permission(self, request: HttpRequest, obj: DemoClock | None = None) -> bool:
        return self._may_move(request)

    def has_change_permission(self, request: HttpRequest, obj: DemoClock | None = None) -> bool:
        return self._may_move(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DemoClock | None = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:nominations_democlock_changelist"))

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if not self._may_move(request):
            raise PermissionDenied
        enabled = clock.demo_clock_enabled()
        now = clock.localnow()
        form = DemoClockForm(initial={"moment": now.replace(microsecond=0)})
        if request.method == "POST":
            if not enabled:
                messages.error(request, "演示时钟未启用（DEMO_CLOCK 关闭），平台使用服务器时间，不能调整。")
                return HttpResponseRedirect(request.path)
            # A quick button sends "preset" (an ISO time with its offset); the form sends "moment".
            form = DemoClockForm(request.POST)
            if form.is_valid():
                moved = move_demo_clock(request.user, form.cleaned_data["moment"])
                messages.success(request, f"演示时钟已调整为北京时间 {timezone.localtime(moved):%Y-%m-%d %H:%M:%S}。")
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": "演示时钟",
            "opts": self.model._meta,
            "enabled": enabled,
            "now": now,
            "real_now": timezone.localtime(timezone.now()),
            "form": form,
            "moments": demo_moments(),
            "demo_start": settings.DEMO_CLOCK_START,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.page_template, context)
