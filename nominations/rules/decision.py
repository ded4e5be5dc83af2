from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    """The answer of a rule or of the policy: allowed or not, and why not (in Chinese, for the user)."""

    allowed: bool
    reason: str = ""

    def __bool__(self):
        return self.allowed

    @classmethod
    def allow(cls):
        return ALLOW

    @classmethod
    def deny(cls, reason):
        return cls(False, reason)


ALLOW = Decision(True)
