"""The intake side's models, one module per area; import them from here."""

from .accounts import Profile, Role
from .audit import AuditEvent
from .campaign import Campaign, Channel, Domain, DomainKind, ListCode, RankingList
from .clock import DemoClock
from .history import EarlierListedItem
from .nomination import Attachment, Nomination, State
from .units import Extension, ExtensionKind, MemberUnit, Participation, Pioneer, RecommendingUnit

__all__ = [
    "Attachment",
    "AuditEvent",
    "Campaign",
    "Channel",
    "DemoClock",
    "Domain",
    "DomainKind",
    "EarlierListedItem",
    "Extension",
    "ExtensionKind",
    "ListCode",
    "MemberUnit",
    "Nomination",
    "Participation",
    "Pioneer",
    "Profile",
    "RankingList",
    "RecommendingUnit",
    "Role",
    "State",
]
