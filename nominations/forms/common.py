"""Fields shared by every list's definition (the contact person of the entry: contact data, never
publishable)."""

from .types import Field, Kind

CONTACT_GROUP = "联系人信息"


def contact_fields(group=CONTACT_GROUP, label_prefix=""):
    return (
        Field("contact_name", f"{label_prefix}联系人", Kind.TEXT, max_length=50, group=group, contact=True),
        Field(
            "contact_phone",
            f"{label_prefix}联系电话",
            Kind.PHONE,
            group=group,
            help_text="手机号或带区号的座机号，如 13812345678、010-68767227。",
            contact=True,
        ),
        Field("contact_email", f"{label_prefix}电子邮箱", Kind.EMAIL, group=group, contact=True),
    )
