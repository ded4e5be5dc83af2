"""Forms of the workflow actions posted from the entry pages and the inbox.

Every value an action posts is read here, with a limit and a Chinese message: the action's name (one
of the workflow's transitions), its note (:class:`~nominations.forms.fields.NoteField`), the override
reason of an earlier-listed entry and the ids of a batch. The rules themselves (is a note required,
may this user act) stay in ``nominations.workflow`` and ``nominations.batch``; the forms take the
labels and the "required" flag from the transition table so that both give the same message.
"""

from django import forms
from django.core.exceptions import ValidationError

from nominations import batch, workflow
from nominations.forms import widgets
from nominations.forms.fields import NoteField

NOTE_ATTRS = {"class": "form-control"}
OVERRIDE_LABEL = "历年入榜仍推荐的理由"
WITHDRAW_NOTE_LABEL = "撤回说明"
BATCH_NOTE_LABEL = "意见 / 理由"
UNKNOWN_SELECTION = "所选申报中有记录不存在或您无权处理，请刷新页面后重新选择。"


def note_field(label: str, *, required: bool = False, rows: int = 3) -> NoteField:
    return NoteField(
        label=label, required=required, widget=widgets.Textarea(attrs={**NOTE_ATTRS, "rows": rows}), rows=rows
    )


def _require(field: NoteField, required: bool) -> None:
    field.required = required
    field.error_messages = {**field.error_messages, "required": f"请填写{field.label}。"}


class TransitionForm(forms.Form):
    """One action on one entry from the secretariat's entry page (``action``, ``note``, ``override_reason``).

    Unbound: the form of the action ``spec`` on the page. Bound: the action is read from the data; its
    note is required when the transition requires one (with the transition's label).
    """

    action = forms.ChoiceField(
        choices=[(name, spec.label) for name, spec in workflow.TRANSITIONS.items()],
        widget=widgets.HiddenInput,
        error_messages={"required": "不支持的操作。", "invalid_choice": "不支持的操作。"},
    )
    note = note_field("说明")
    override_reason = note_field(OVERRIDE_LABEL)

    def __init__(self, data=None, *, spec: workflow.Transition | None = None, **kwargs) -> None:
        if spec is None and data is not None:
            spec = workflow.TRANSITIONS.get(str(data.get("action", "")))
        self.spec = spec
        if spec is not None:
            kwargs.setdefault("auto_id", f"%s-{spec.action}")
            kwargs["initial"] = {"action": spec.action, **kwargs.get("initial", {})}
        super().__init__(data, **kwargs)
        self.fields["override_reason"].widget.attrs["id"] = "override-reason"
        if spec is not None:
            self.fields["note"].label = spec.note_label
            _require(self.fields["note"], spec.note_required)

    @property
    def action_unknown(self) -> bool:
        """A bound form whose action is not one of the workflow's (the view answers 404)."""
        return self.is_bound and self.spec is None


class WithdrawForm(forms.Form):
    """The author's withdrawal (its note is optional); submit, resubmit and 推举 post nothing."""

    note = note_field(WITHDRAW_NOTE_LABEL, rows=2)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "withdraw-%s")
        super().__init__(*args, **kwargs)


class IdListField(forms.Field):
    """Ids of entries chosen on one page of a list: integers, at most ``max_count`` of them.

    A value that is not an id (``abc``, ``-1``, a 40-digit number) is refused with the same message as
    an id the user may not see: the selection is stale or forged either way.
    """

    widget = forms.MultipleHiddenInput

    def __init__(self, *, max_count: int, **kwargs) -> None:
        self.max_count = max_count
        kwargs.setdefault("error_messages", {"required": "请至少选择一项申报。"})
        super().__init__(**kwargs)

    def to_python(self, value) -> list[int]:
        if value in self.empty_values:
            return []
        if not isinstance(value, (list, tuple)):
            value = [value]
        if len(value) > self.max_count:
            raise ValidationError(f"一次最多处理 {self.max_count} 项申报，请分批选择。", code="max_count")
        ids = []
        for item in value:
            pk = batch.parse_id(item) if isinstance(item, str) else None
            if pk is None:
                raise ValidationError(UNKNOWN_SELECTION, code="invalid_id")
            ids.append(pk)
        return list(dict.fromkeys(ids))


class BatchForm(forms.Form):
    """A batch action of the inbox: preview (``apply`` empty) or apply (``apply=1``)."""

    action = forms.ChoiceField(
        label="操作",
        choices=[(name, workflow.TRANSITIONS[name].label) for name in batch.BATCH_ACTIONS],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "请选择批量操作。", "invalid_choice": "不支持的批量操作。"},
    )
    ids = IdListField(label="所选申报", max_count=batch.MAX_IDS)
    note = note_field(BATCH_NOTE_LABEL, rows=2)
    apply = forms.ChoiceField(
        choices=[("1", "执行")],
        required=False,
        widget=widgets.HiddenInput,
        error_messages={"invalid_choice": "提交的内容有误，请返回收件箱重新选择。"},
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "batch-%s")
        super().__init__(*args, **kwargs)

    @property
    def applying(self) -> bool:
        return self.is_bound and self.data.get("apply") == "1"


class EditControlForm(forms.Form):
    """What the entry's edit page and its autosave post besides the entry's own fields.

    ``version`` is the entry's version when the page was loaded (the stale-edit check compares it); a
    missing or malformed one counts as stale, so the member is told to reload and nothing is
    overwritten. ``action`` is the button pressed: save the draft, or save and submit.
    """

    STALE = -1

    version = forms.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    action = forms.ChoiceField(
        choices=[("save", "保存草稿"), ("submit", "提交")],
        required=False,
        error_messages={"invalid_choice": "不支持的操作，请刷新页面后重试。"},
    )

    def posted_version(self) -> int:
        """The posted version, or :attr:`STALE` when it is missing or not a version number."""
        self.is_valid()  # cleans both fields; an invalid action leaves the version usable
        value = None if "version" in self.errors else self.cleaned_data.get("version")
        return self.STALE if value is None else value

    def wants_submit(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("action") == "submit"
