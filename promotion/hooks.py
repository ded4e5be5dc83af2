"""What the core needs from 发布推介, registered from ``PromotionConfig.ready``: its policy actions,
the ``promotion`` section of a campaign file, and the audit labels."""

from nominations import campaign_data
from promotion import policy, services


def register() -> None:
    policy.register_actions()
    campaign_data.register_section_loader("promotion", services.load_promotion)
