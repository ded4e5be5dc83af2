"""The intake side's models, one module per area; import them from here."""

from .accounts import Profile, Role
from .audit import AuditEvent
from .campaign import (
    Campaign,
    CampaignDataVersion,
    Channel,
    Domain,
    DomainKind,
    ListCode,
    RankingList,
    UnconfirmedUnits,
)
from .clock import DemoClock
from .exports import ExportJob, ExportKind, ExportState
from .formal import FormalCheckItem, FormalReview, FormalStage
from .history import EarlierListedItem
from .mail import MailAudience, MailKind, MailStatus, SentMail
from .nomination import Attachment, Nomination, State
from .official import OfficialSerial, OfficialState, OfficialVersion
from .stamps import StampedPage, StampRequirement, StampScope
from .units import (
    Extension,
    ExtensionKind,
    MemberUnit,
    Participation,
    Pioneer,
    RecommendingUnit,
    UnconfirmedDecision,
)

__all__ = [
    "Attachment",
    "AuditEvent",
    "Campaign",
    "CampaignDataVersion",
    "Channel",
    "DemoClock",
    "Domain",
    "DomainKind",
    "EarlierListedItem",
    "ExportJob",
    "ExportKind",
    "ExportState",
    "Extension",
    "ExtensionKind",
    "FormalCheckItem",
    "FormalReview",
    "FormalStage",
    "ListCode",
    "MailAudience",
    "MailKind",
    "MailStatus",
    "MemberUnit",
    "Nomination",
    "OfficialSerial",
    "OfficialState",
    "OfficialVersion",
    "Participation",
    "Pioneer",
    "Profile",
    "RankingList",
    "RecommendingUnit",
    "Role",
    "SentMail",
    "StampRequirement",
    "StampScope",
    "StampedPage",
    "State",
    "UnconfirmedDecision",
    "UnconfirmedUnits",
]
