"""发布推介: listed items' public profiles, the listed party's consent, partners, offers, requests."""

from django.conf import settings
from django.db import models


class ConsentLevel(models.TextChoices):
    PUBLIC = "public", "公开摘要"
    PARTNERS = "partners", "合作机构可见的扩展信息"
    CONTACT = "contact", "联系方式按请求提供"


LEVEL_ORDER = {ConsentLevel.PUBLIC: 1, ConsentLevel.PARTNERS: 2, ConsentLevel.CONTACT: 3}


class Stage(models.TextChoices):
    SEED = "seed", "种子期"
    STARTUP = "startup", "初创期"
    GROWTH = "growth", "成长期"
    EXPANSION = "expansion", "扩张期"
    MATURE = "mature", "成熟期"


class AmountBand(models.TextChoices):
    UNDER_5M = "lt5m", "500万元以下"
    M5_20 = "5m-20m", "500万至2000万元"
    M20_100 = "20m-100m", "2000万至1亿元"
    OVER_100M = "gt100m", "1亿元以上"


class Need(models.TextChoices):
    LOAN = "loan", "贷款"
    EQUITY = "equity", "股权投资"
    GUARANTEE = "guarantee", "融资担保"
    INSURANCE = "insurance", "科技保险"
    LEASING = "leasing", "融资租赁"


class ListedProfile(models.Model):
    nomination = models.OneToOneField(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="listed_profile", verbose_name="入榜项目"
    )
    summary = models.TextField("简介", blank=True)
    region = models.CharField("地区", max_length=40, blank=True)
    published_fields = models.JSONField("公开字段（快照）", default=list, blank=True)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "入榜项目推介页"

    def __str__(self) -> str:
        return self.nomination.title

    def live_consent(self) -> "Consent | None":
        return self.consents.filter(revoked_at__isnull=True).first()

    def live_contact(self) -> "Consent | None":
        consent = self.live_consent()
        if consent and LEVEL_ORDER[consent.level] >= LEVEL_ORDER[ConsentLevel.PARTNERS] and consent.has_contact:
            return consent
        return None


class Consent(models.Model):
    profile = models.ForeignKey(ListedProfile, on_delete=models.CASCADE, related_name="consents", verbose_name="推介页")
    level = models.CharField("授权级别", max_length=10, choices=ConsentLevel.choices)
    financing_need = models.CharField("融资需求", max_length=10, choices=Need.choices, blank=True)
    amount_band = models.CharField("金额区间", max_length=10, choices=AmountBand.choices, blank=True)
    use_of_funds = models.CharField("资金用途", max_length=300, blank=True)
    stage = models.CharField("发展阶段", max_length=10, choices=Stage.choices, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    contact_email = models.EmailField("电子邮箱", blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="授权人"
    )
    granted_at = models.DateTimeField("授权时间")
    revoked_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "推介授权"
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile"], condition=models.Q(revoked_at__isnull=True), name="promotion_one_live_consent"
            )
        ]

    def __str__(self) -> str:
        return self.get_level_display()

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_phone or self.contact_email)


class InstitutionType(models.TextChoices):
    BANK = "bank", "银行"
    VC = "vc", "创投/私募"
    GUIDANCE = "guidance", "引导基金"
    GUARANTEE = "guarantee", "担保"
    INSURANCE = "insurance", "保险"
    LEASING = "leasing", "租赁"


class PartnerState(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已批准"
    SUSPENDED = "suspended", "已暂停"
    REMOVED = "removed", "已移除"


class Partner(models.Model):
    name = models.CharField("机构名称", max_length=100)
    institution_type = models.CharField("机构类型", max_length=10, choices=InstitutionType.choices)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    licence_number = models.CharField("金融许可证号或备案编号", max_length=60)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="partners", verbose_name="工作人员")
    pledge_signed_at = models.DateTimeField("保密承诺签署时间")
    state = models.CharField("状态", max_length=10, choices=PartnerState.choices, default=PartnerState.PENDING)
    applied_at = models.DateTimeField("申请时间")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "金融合作机构"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class PartnerStaff(models.Model):
    """A named staff member of a partner (the applicant first, the partner's admin contact): the user in
    ``Partner.staff`` with the name, position and the staff member's own phone or e-mail. Removing
    someone keeps the row (``removed_at``) and takes the user off ``Partner.staff``."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="named_staff", verbose_name="机构")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner_staff", verbose_name="用户"
    )
    name = models.CharField("姓名", max_length=30)
    position = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("工作电话", max_length=40, blank=True)
    email = models.EmailField("工作邮箱", blank=True)
    is_admin_contact = models.BooleanField("管理员联系人", default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="添加人",
    )
    added_at = models.DateTimeField("添加时间")
    removed_at = models.DateTimeField("移除时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "合作机构工作人员"
        ordering = ["partner", "-is_admin_contact", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "user"], condition=models.Q(removed_at__isnull=True), name="promotion_staff_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.name}"


class Offer(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="offers", verbose_name="机构")
    product = models.CharField("产品名称", max_length=100)
    product_kind = models.CharField("产品类别", max_length=10, choices=Need.choices)
    domains = models.JSONField("领域（领域代码）", default=list, blank=True)
    stages = models.JSONField("阶段", default=list, blank=True)
    regions = models.JSONField("地区", default=list, blank=True)
    ticket_band = models.CharField("单笔金额区间", max_length=10, choices=AmountBand.choices)
    created_at = models.DateTimeField("发布时间")

    class Meta:
        verbose_name = verbose_name_plural = "资源产品"
        ordering = ["partner", "pk"]

    def __str__(self) -> str:
        return self.product


class RequestState(models.TextChoices):
    MODERATION = "moderation", "待平台审核"
    PENDING = "pending", "待回复"
    ACCEPTED = "accepted", "已接受"
    DECLINED = "declined", "已拒绝"
    EXPIRED = "expired", "已过期"


class InterestRequest(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="requests", verbose_name="机构")
    profile = models.ForeignKey(ListedProfile, on_delete=models.PROTECT, related_name="requests", verbose_name="推介页")
    message = models.CharField("留言", max_length=500, blank=True)
    state = models.CharField("状态", max_length=12, choices=RequestState.choices, default=RequestState.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提出人"
    )
    created_at = models.DateTimeField("提出时间")
    expires_at = models.DateTimeField("答复截止")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "对接请求"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.partner} → {self.profile}"


class ProfileView(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="views", verbose_name="机构")
    profile = models.ForeignKey(ListedProfile, on_delete=models.CASCADE, related_name="views", verbose_name="推介页")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="用户")
    viewed_at = models.DateTimeField("查看时间")
    saw_contact = models.BooleanField("查看联系方式", default=False)
    downloaded = models.BooleanField("下载（带水印的 Word 文件）", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "推介页查看记录"
        ordering = ["-viewed_at"]

    def __str__(self) -> str:
        return f"{self.partner} · {self.profile}"


class Package(models.Model):
    """定向推介: a package of profiles sent to selected partners."""

    title = models.CharField("名称", max_length=100)
    profiles = models.ManyToManyField(ListedProfile, related_name="packages", verbose_name="推介页")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "定向推介"

    def __str__(self) -> str:
        return self.title


class PackageDelivery(models.Model):
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="deliveries", verbose_name="定向推介")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="deliveries", verbose_name="机构")
    sent_at = models.DateTimeField("发送时间")
    opened_at = models.DateTimeField("打开时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "定向推介发送记录"
        constraints = [models.UniqueConstraint(fields=["package", "partner"], name="promotion_delivery_once")]

    def __str__(self) -> str:
        return f"{self.package} → {self.partner}"


class OutcomeKind(models.TextChoices):
    MEETING = "meeting", "对接会谈"
    DUE_DILIGENCE = "diligence", "尽职调查"
    CREDIT = "credit", "授信"
    INVESTMENT = "investment", "投资"


class Outcome(models.Model):
    request = models.ForeignKey(
        InterestRequest, on_delete=models.PROTECT, related_name="outcomes", verbose_name="对接请求"
    )
    kind = models.CharField("成果类型", max_length=12, choices=OutcomeKind.choices)
    amount_wan = models.DecimalField("金额（万元）", max_digits=12, decimal_places=2, null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="报告人"
    )
    reported_at = models.DateTimeField("报告时间")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "对接成果"

    def __str__(self) -> str:
        return self.get_kind_display()


class PromotionSettings(models.Model):
    """The campaign file's ``promotion`` section."""

    campaign = models.OneToOneField(
        "nominations.Campaign", on_delete=models.CASCADE, related_name="promotion", verbose_name="年度"
    )
    answer_days = models.PositiveSmallIntegerField("答复期限（天）", default=14)
    weekly_cap = models.PositiveSmallIntegerField("每周请求上限", default=10)
    moderated_first = models.PositiveSmallIntegerField("新机构需审核的请求数", default=3)

    class Meta:
        verbose_name = verbose_name_plural = "发布推介设置"

    def __str__(self) -> str:
        return f"{self.campaign}"
