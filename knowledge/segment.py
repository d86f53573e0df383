"""One shared jieba tokenizer, loaded lazily with the domain words.

Loading jieba's dictionary costs most of a cold start and every ``jieba.Tokenizer()`` reloads it,
so the whole process shares one instance. When ``data/jieba_small.txt`` is bundled (written by
``benchmarks/make_small_dict.py``: jieba's 80 000 most frequent words plus every dictionary word of
the domain texts) it is loaded instead of jieba's 349 000-word ``dict.txt``: about 0.5 s less per start. Domain words (科目名称, rule synonyms) are added once so
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


def cache_dir() -> str:
    """Where jieba keeps its prefix-dictionary cache: never next to the (maybe read-only) package.

    ``DISCLOSURE_BOT_CACHE``, else the per-user cache directory, else the temp directory. jieba
    names the cache after the dictionary's path and rebuilds it when the dictionary is newer, and a
    cache it cannot write only costs the next start the build again (about 0.05 s with the trimmed
    dictionary). Per user, because jieba creates the file readable by its owner only.
    """
    env = os.environ.get("DISCLOSURE_BOT_CACHE")
    if env:
        return env
    try:
        from platformdirs import user_cache_dir

        d = Path(user_cache_dir("disclosure-bot", appauthor=False))
        d.mkdir(parents=True, exist_ok=True)
        if os.access(d, os.W_OK):
            return str(d)
    except Exception:  # an unwritable home: fall back to the temp directory
        pass
    return tempfile.gettempdir()


_MAGIC = b"disclosure-bot jieba prefix dict v1"


def _load_small(tok) -> None:
    """Initialise ``tok`` from the trimmed dictionary through a cache of our own.

    jieba's cache is a marshal of its prefix dictionary, which takes 0.1 s to read for 100 000
    entries; this one holds the same words as one UTF-8 text plus an int64 array and reads in about
    0.02 s. It is plain data (no pickle), named after the dictionary's path, size and mtime, and
    written atomically; any problem just falls back to jieba's own loading.
    """
    from array import array
    from hashlib import md5

    st = SMALL_DICT.stat()
    key = md5(f"{SMALL_DICT.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()
    cache = Path(tok.tmp_dir) / f"disclosure-bot-jieba-{key}.bin"
    try:
        data = cache.read_bytes()
        head, _, rest = data.partition(b"\n")
        magic, total, n = head.rsplit(b" ", 2)
        n = int(n)
        if magic != _MAGIC:
            raise ValueError("not our cache")
        freqs = array("q")
        freqs.frombytes(rest[: 8 * n])
        words = rest[8 * n :].decode("utf-8").split("\n")
        if len(words) != n:
            raise ValueError("truncated cache")
        tok.FREQ, tok.total, tok.initialized = dict(zip(words, freqs, strict=True)), int(total), True
        return
    except (OSError, ValueError):
        pass
    tok.initialize()
    try:
        words = list(tok.FREQ)
        head = _MAGIC + f" {tok.total} {len(words)}\n".encode()
        body = array("q", tok.FREQ.values()).tobytes() + "\n".join(words).encode("utf-8")
        fd, tmp = tempfile.mkstemp(dir=tok.tmp_dir)
        with os.fdopen(fd, "wb") as f:
            f.write(head + body)
        os.replace(tmp, cache)
    except (OSError, ValueError, OverflowError):
        pass


def tokenizer():
    """The shared tokenizer; the first call loads the dictionary (trimmed one when bundled)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                if SMALL_DICT.exists():
                    tok = jieba.Tokenizer(dictionary=str(SMALL_DICT))
                    tok.tmp_dir = cache_dir()
                    _load_small(tok)
                else:
                    tok = jieba.Tokenizer()
                    tok.tmp_dir = cache_dir()
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
