"""The kinds of a form definition's fields (``Field.kind``), apart from the types so that the form
builder needs no import of the definitions it builds from."""

from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"  # one line
    LONGTEXT = "longtext"  # several paragraphs, limited in 字 (max_chars)
    CHOICE = "choice"
    DOMAIN = "domain"  # the 先导技术榜 domain: kept on the nomination as well
    DATE = "date"  # YYYY-MM-DD
    MONTH = "month"  # YYYY-MM
    INTEGER = "integer"
    DECIMAL = "decimal"  # amounts in 万元
    PERCENT = "percent"  # 0–100
    PHONE = "phone"
    EMAIL = "email"
    CREDIT_CODE = "credit_code"
    REPEAT = "repeat"  # one or more items, each with its own ``subfields`` (a Django formset)
