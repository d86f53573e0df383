"""Stage 1: a question as the rest of the pipeline expects it.

NFKC (full-width → half-width), traditional → simplified (opencc), no quotes or brackets that
jieba would split words on, Chinese numerals as digits where they are amounts or years. cn2an is
wrapped because it fails on 二〇二四年 and 一点九三万元, and its ``transform`` turns 三公 into 3公.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rules import default_rules

MAX_QUESTION = 500

_QUOTES = re.compile(r"[\"'“”‘’「」『』《》〈〉【】\[\]{}<>]")
_SPACES = re.compile(r"\s+")
_CTRL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202f\ufeff]")
_WORDS = default_rules()
# 一 → 1 …, from rules/zh/words.yaml (each entry: the numeral, then its digit)
_DIGIT = {w[0]: w[1:] for w in _WORDS.word("numeral_digits")}
_POINT = _WORDS.one("numeral_point")
_ZERO = _WORDS.one("numeral_zero")
_YEAR = _WORDS.one("year_suffix")
# Words with numerals in them that are names, never numbers (三公 is not 3公).
_KEEP = _WORDS.word("numeral_names")
_YEAR_IN_NUMERALS = _WORDS.pattern("year_in_numerals")
# Spellings people use for a report's word (其它 for 其他), each entry "variant=report's word".
_VARIANTS = [tuple(w.split("=", 1)) for w in _WORDS.word("written_variants")]
_AMOUNT_IN_NUMERALS = _WORDS.pattern("amount_in_numerals")


@lru_cache(maxsize=1)
def _converter():
    try:
        import opencc

        return opencc.OpenCC("t2s")
    except Exception:  # pragma: no cover - opencc is a dependency; degrade rather than fail
        return None


def to_simplified(text: str) -> str:
    conv = _converter()
    return conv.convert(text) if conv else text


def _year_digits(m: re.Match) -> str:
    return "".join(_DIGIT.get(ch, ch) for ch in m.group(1)) + _YEAR


def cn_numbers(text: str) -> str:
    """Chinese numerals → digits for years (二〇二四年) and amounts (一点九三万元, 十一人).

    Only runs of numerals followed by a unit or 年 are converted, so names such as 三公 and
    一般公共服务 are left alone.
    """
    text = _YEAR_IN_NUMERALS.sub(_year_digits, text)

    def amount(m: re.Match) -> str:
        run, unit = m.group(1), m.group(2)
        if any(k in m.group(0) for k in _KEEP):
            return m.group(0)
        whole, _, frac = run.partition(_POINT)
        try:
            import cn2an

            value = int(cn2an.cn2an(whole or _ZERO, "smart")) if whole else 0
        except Exception:
            return m.group(0)
        if frac:
            digits = "".join(_DIGIT.get(ch, "?") for ch in frac)
            if "?" in digits:
                return m.group(0)
            return f"{value}.{digits}{unit}"
        return f"{value}{unit}"

    return _AMOUNT_IN_NUMERALS.sub(amount, text)


def encodable(text: str) -> str:
    """Text that encodes as UTF-8: surrogate pairs joined, lone surrogates become spaces.

    A string from a terminal or a JSON line may carry half of a surrogate pair; opencc (C++) and
    SQLite refuse such text, so it is cleaned before anything else sees it.
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        joined = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return joined.replace("\ufffd", " ")


def normalise(question: str) -> str:
    """The question in one canonical form; never raises."""
    if not isinstance(question, str):
        question = str(question or "")
    text = encodable(question[: MAX_QUESTION * 4])
    text = unicodedata.normalize("NFKC", text)
    text = _CTRL.sub(" ", text)
    text = to_simplified(text)
    text = _QUOTES.sub("", text)
    text = text.replace("（", "(").replace("）", ")")
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"(?<=\d)\s+(?=\d)", "", text)
    text = _SPACES.sub(" ", text).strip()
    text = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", text)
    text = re.sub(r"[?？!！。.,，~～]+$", "", text).strip()
    for variant, word in _VARIANTS:
        text = text.replace(variant, word)
    text = cn_numbers(text)
    return text[:MAX_QUESTION]
