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
import sys
import tempfile
import threading
from collections.abc import Iterable
from functools import lru_cache
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
    if env and _writable(Path(env)):
        return env
    try:
        d = Path(_user_cache_dir())
        if _writable(d):
            return str(d)
    except Exception:  # an unwritable home: fall back to the temp directory
        pass
    return tempfile.gettempdir()


def _user_cache_dir() -> str:
    """platformdirs' ``user_cache_dir("disclosure-bot", appauthor=False)``; on Linux worked out as
    platformdirs does it there ($XDG_CACHE_HOME, else ~/.cache), because importing platformdirs
    is ~8 ms of every cold start and the cache directory is needed at every start."""
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CACHE_HOME", "")
        if not base.strip():
            base = os.path.expanduser("~/.cache")
        return os.path.join(base, "disclosure-bot")
    from platformdirs import user_cache_dir

    return user_cache_dir("disclosure-bot", appauthor=False)


def _writable(d: Path) -> bool:
    """True when a file can really be created in ``d`` (os.access says yes to root on read-only
    mounts, and says nothing about a folder that does not exist yet)."""
    try:
        d.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d)
        os.close(fd)
        os.unlink(tmp)
        return True
    except OSError:
        return False


def import_jieba():
    """jieba, imported without pkg_resources.

    jieba's ``_compat`` imports pkg_resources (0.06–0.1 s, most of a cold start's imports) only to
    open its own bundled files, and falls back to opening them by path when that import fails.
    So the import is made to fail while jieba loads — only when nothing else has imported
    pkg_resources, and undone right after so that any later ``import pkg_resources`` works."""
    import sys

    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if blocked and sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    return jieba


def _quiet_initialize(tok) -> None:
    """jieba's own load, without the traceback it logs when its cache cannot be written.

    An unwritable cache only costs the next start the build again; it is no error for a user."""
    jieba = import_jieba()

    logger = jieba.default_logger
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        tok.initialize()
    finally:
        logger.setLevel(level)


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
    _quiet_initialize(tok)
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
                jieba = import_jieba()

                jieba.setLogLevel(logging.WARNING)
                if SMALL_DICT.exists():
                    tok = jieba.Tokenizer(dictionary=str(SMALL_DICT))
                    tok.tmp_dir = cache_dir()
                    _load_small(tok)
                else:
                    tok = jieba.Tokenizer()
                    tok.tmp_dir = cache_dir()
                    _quiet_initialize(tok)
                _tokenizer = tok
    return _tokenizer


# Bounds on the domain words: jieba's add_word stores every prefix of a word, so one
# 400 000-character 科目 name grew the dictionary past 17 GB. Real 科目 names and synonyms stay
# under 40 characters; words beyond either bound are simply not added (they still match as text).
MAX_WORD_CHARS = 40
MAX_WORDS = 200_000


def add_words(words: Iterable[str], freq: int = 200000) -> None:
    """Add domain words once each, bounded in length and in total count (see MAX_WORD_*)."""
    tok = tokenizer()
    for w in words:
        if len(_added) >= MAX_WORDS:
            return
        if not isinstance(w, str) or len(w) > MAX_WORD_CHARS * 4:
            continue  # never even strip a huge string
        w = w.strip()
        if 2 <= len(w) <= MAX_WORD_CHARS and w not in _added and " " not in w:
            tok.add_word(w, freq)
            _added.add(w)
            _cut_cached.cache_clear()  # a new word may cut a sentence differently


def added_words() -> tuple[str, ...]:
    """The domain words added so far, in a stable order (for worker processes to add the same)."""
    with _lock:
        return tuple(sorted(_added))


def cut(text: str) -> list[str]:
    """The text's tokens. Reports repeat sentences (名词解释, the standard 说明 paragraphs), so
    short texts are memoised until the dictionary gains a word."""
    if len(text) <= 500:
        return list(_cut_cached(text))
    return _cut(text)


def _cut(text: str) -> list[str]:
    return [t for t in tokenizer().lcut(text) if t.strip()]


@lru_cache(maxsize=1 << 14)
def _cut_cached(text: str) -> tuple[str, ...]:
    return tuple(_cut(text))


def segmented(text: str) -> str:
    """Text as space-separated tokens: the column that full-text search indexes."""
    return " ".join(cut(text))
