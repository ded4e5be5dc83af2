"""The unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from ``0-9A-Z`` without I, O, S, V and Z; the last is a check character computed from
the first 17 with the weights 3^i mod 31.
"""

import re
import unicodedata

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalize_credit_code(code: str | None) -> str:
    """The one normal form of a typed code: full-width folded (NFKC), white space removed, upper case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", code or "")).upper()


def check_character(first17):
    total = sum(CHARSET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def credit_code_error(code):
    """``None`` for a valid code, else a Chinese message saying what is wrong."""
    code = normalize_credit_code(code)
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，当前为 {len(code)} 位。"
    bad = sorted({ch for ch in code if ch not in CHARSET})
    if bad:
        return f"统一社会信用代码含有无效字符：{'、'.join(bad)}（不使用 I、O、S、V、Z）。"
    expected = check_character(code[:17])
    if code[17] != expected:
        return "统一社会信用代码校验位不正确，请核对后重新输入。"
    return None


def is_valid_credit_code(code):
    return credit_code_error(code) is None
