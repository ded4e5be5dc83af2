"""What every file download answers with: the Content-Disposition header and the Word content type."""

from urllib.parse import quote

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment_header(name: str, fallback: str) -> str:
    """``attachment`` with the Chinese ``name`` (RFC 5987) and an ASCII ``fallback`` for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
