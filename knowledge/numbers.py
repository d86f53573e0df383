"""Reading numbers and 科目编码 as reports print them, OCR noise included.

Kept apart from the parsers because every source format (markdown, page text, PDF) prints numbers
the same noisy ways: ``672. 13``, ``20,323.21``, ``5525938. 78``, a stray ``·`` or ``_`` for an
empty cell, and codes split over cells (``20103`` + ``50``) or with a digit printed twice
(``20103`` + ``399`` for 2010399).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache, partial

# Cells that stand for "nothing printed here": OCR dust, dashes and dots left by empty cells.
_NOISE = set("·•._-—–－ı|'\"`*~ \u3000")
_AMOUNT = re.compile(r"^[-−]?\d+(?:\.\d+)?$")
# a thousands separator stands before groups of exactly three digits: 20,323.21 / 31,214,205.80.
# "0,69" or "100,00" is a decimal comma or a typo — never read as 69 or 10000.
_GROUPED = re.compile(r"^[-−]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?%?$")
_CODE_LENGTHS = (3, 5, 7)
FUNCTION_LEVELS = {3: "类", 5: "款", 7: "项"}


def nfkc(text: str) -> str:
    """NFKC; ASCII is its own NFKC form (most cells are ASCII digits: skip the normalizer). A line
    is normalised by several stages (title scan, block reading, headings, sentences), and a line
    holding full-width punctuation costs ~0.15 µs a character each time: lines up to
    ``_CACHED_NFKC`` characters are memoised (a pure function of the string)."""
    if text.isascii():
        return text
    if len(text) <= _CACHED_NFKC:
        return _nfkc_cached(text)
    return unicodedata.normalize("NFKC", text)


_CACHED_NFKC = 4000
_nfkc_cached = lru_cache(maxsize=2048)(partial(unicodedata.normalize, "NFKC"))


def is_blank(raw: str | None) -> bool:
    """True for an empty cell or one holding only OCR dust."""
    if raw is None:
        return True
    return all(ch in _NOISE for ch in nfkc(raw).strip())


def parse_amount(raw: str | None) -> Decimal | None:
    """An exact decimal from a printed amount, or None if the cell is not a plain number.

    Spaces inside a number (``672. 13``) and thousands separators are OCR/typesetting noise and are
    dropped; anything else that is not a number gives None rather than a guess — including commas
    that do not separate groups of three digits (``0,69``, ``100,00``), which are not amounts.
    """
    if raw is None:
        return None
    if len(raw) <= 40:
        return _parse_amount_cached(raw)  # a Decimal is immutable: one parse per distinct cell text
    return _parse_amount(raw)


def _parse_amount(raw: str) -> Decimal | None:
    text = nfkc(raw).strip().replace(" ", "").replace("−", "-")
    if "," in text:
        if not _GROUPED.match(text):
            return None
        text = text.replace(",", "")
    if text.endswith("%"):
        text = text[:-1]
    if not text or not _AMOUNT.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex already rules this out
        return None


_parse_amount_cached = lru_cache(maxsize=1 << 16)(_parse_amount)


def looks_like_amount(raw: str | None) -> bool:
    return parse_amount(raw) is not None


def code_level(code: str | None) -> str | None:
    """类/款/项 for a 功能分类 code (3/5/7 digits); 类/款 for 经济分类 codes (3/5 digits)."""
    if not code:
        return None
    return FUNCTION_LEVELS.get(len(code))


def parent_code(code: str | None) -> str | None:
    if not code or len(code) <= 3:
        return None
    return code[:-2]


def join_code_parts(parts: list[str]) -> str | None:
    """Join 科目编码 pieces printed in separate cells or with spaces.

    ``["201", "06", "01"]`` and ``["20103", "50"]`` join plainly; OCR sometimes repeats the last
    digit of the first piece (``["20103", "399"]`` is 2010399), which is recognised because the plain
    join would give an impossible length. Leading pieces shorter than 3 digits are stray marks, not
    codes. Returns None when no valid code can be formed.
    """
    digits = [p for p in parts if p.isdigit()]
    while digits and len(digits[0]) < 3:
        digits.pop(0)
    if not digits:
        return None
    code = digits[0]
    if len(code) not in _CODE_LENGTHS:
        return None
    for part in digits[1:]:
        if len(code) + len(part) in _CODE_LENGTHS:
            code += part
        elif len(code) + len(part) - 1 in _CODE_LENGTHS and part[0] == code[-1]:
            code += part[1:]
        else:
            break
    return code


_CJK = re.compile(r"[\u3400-\u9fff]")
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[\u3400-\u9fff（）()、])\s+(?=[\u3400-\u9fff（）()、])")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


_SPACES = re.compile(r"\s+")
_ANY_SPACE = re.compile(r"\s")
_SPACE_AROUND_PAREN = re.compile(r"\s*([()])\s*")
_CACHED_LABEL = 200  # labels this short are memoised: reports print the same ones over and over


def clean_label(text: str) -> str:
    """A label as a reader means it: NFKC, no spaces inside Chinese words, ASCII parentheses.

    PDF conversion breaks long labels with spaces (``机关事业单位基本 养老保险缴费支出``);
    the report means one word. Called ~7 000 times per report on a few hundred distinct labels,
    so short ones are memoised (a pure function of the string).
    """
    if len(text) <= _CACHED_LABEL:
        return _clean_label_cached(text)
    return _clean_label(text)


def _clean_label(text: str) -> str:
    text = nfkc(text).replace("\u3000", " ").strip()
    if not _ANY_SPACE.search(text):
        return text  # nothing for the patterns below to take out (most labels and sentences)
    text = _SPACES.sub(" ", text)
    text = _SPACE_BETWEEN_CJK.sub("", text)
    text = _SPACE_AROUND_PAREN.sub(r"\1", text)
    return text.strip()


_clean_label_cached = lru_cache(maxsize=1 << 16)(_clean_label)
