"""One shared jieba tokenizer, loaded lazily with the domain words.

Loading jieba's dictionary costs most of a cold start and every ``jieba.Tokenizer()`` reloads it,
so the whole process shares one instance. Domain words (科目名称, rule synonyms) are added once so
that "公务接待费" stays one token instead of three.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

_lock = threading.Lock()
_tokenizer = None
_added: set[str] = set()

SMALL_DICT = Path(__file__).parent / "data" / "jieba_small.txt"


def tokenizer():
    """The shared tokenizer; the first call loads the dictionary (trimmed one when bundled)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                dictionary = str(SMALL_DICT) if SMALL_DICT.exists() else None
                tok = jieba.Tokenizer(dictionary=dictionary) if dictionary else jieba.Tokenizer()
                tok.tmp_dir = os.environ.get("DISCLOSURE_BOT_CACHE") or tempfile.gettempdir()
                tok.initialize()
                _tokenizer = tok
    return _tokenizer


def add_words(words: Iterable[str], freq: int = 200000) -> None:
    tok = tokenizer()
    for w in words:
        w = w.strip()
        if len(w) >= 2 and w not in _added and " " not in w:
            tok.add_word(w, freq)
            _added.add(w)


def cut(text: str) -> list[str]:
    return [t for t in tokenizer().lcut(text) if t.strip()]


def segmented(text: str) -> str:
    """Text as space-separated tokens: the column that full-text search indexes."""
    return " ".join(cut(text))
