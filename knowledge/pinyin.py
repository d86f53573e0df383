"""pypinyin without its start-up cost: the same readings, its dictionaries read as a text needs them.

Reading a question by sound (``bot.entities``: 公务拥车 → 公务用车) calls ``pypinyin.lazy_pinyin``
on every question. Importing pypinyin decodes two JSON dictionaries (47 000 phrases, 41 000
characters) and trains its phrase segmenter on every phrase: 0.3–0.4 s of a 0.5 s cold ``ask``,
whatever the question. Here pypinyin's own code does all the reading — segmentation, phrase and
character readings, tone styles — but its two dictionaries and the segmenter's prefix set are
objects that look a key up in a small SQLite file built once from pypinyin's own JSON files (in the
per-user cache directory, named after the files' size and time, so an upgrade builds a new one).
Every membership test and lookup pypinyin makes sees the whole dictionary, so every caller in the
process — this module's or pypinyin's own ``lazy_pinyin`` — gets exactly what plain pypinyin gives;
``tests/test_pinyin.py`` compares them on the question sets, the rules and the corpus texts.

Where no cache can be written (a read-only home and temp directory) pypinyin is imported as it is.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import sys
import threading
import types
from collections.abc import Callable, Iterable
from pathlib import Path

_lock = threading.RLock()
_lazy_pinyin = None  # pypinyin.lazy_pinyin once imported
_MAX = "\U0010ffff"  # above every character: (s, s + _MAX) is the range of keys that start with s


def _package_dir() -> Path | None:
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _cache_file(pkg: Path) -> Path:
    from .segment import cache_dir

    stamp = "-".join(
        f"{(pkg / name).stat().st_size}-{(pkg / name).stat().st_mtime_ns}"
        for name in ("phrases_dict.json", "pinyin_dict.json")
    )
    return Path(cache_dir()) / f"pinyin-{stamp}.sqlite"


def _build(pkg: Path, target: Path) -> None:
    """Both dictionaries as two indexed tables, written to a temporary file and moved into place
    (another process building the same file at the same time replaces it with the same content)."""
    phrases = json.loads((pkg / "phrases_dict.json").read_text(encoding="utf-8"))
    chars = json.loads((pkg / "pinyin_dict.json").read_text(encoding="utf-8"))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.execute("CREATE TABLE phrases (phrase TEXT PRIMARY KEY, pinyin TEXT NOT NULL) WITHOUT ROWID")
        con.execute("CREATE TABLE chars (code INTEGER PRIMARY KEY, pinyin TEXT NOT NULL)")
        con.executemany(
            "INSERT INTO phrases VALUES (?, ?)",
            ((k, json.dumps(v, ensure_ascii=False)) for k, v in phrases.items()),
        )
        con.executemany("INSERT INTO chars VALUES (?, ?)", ((int(k), v) for k, v in chars.items()))
        con.commit()
    finally:
        con.close()
    os.replace(tmp, target)


class _Phrases(dict):
    """pypinyin's PHRASES_DICT: a phrase is looked up in the cache the first time it is asked."""

    def __init__(self, con: sqlite3.Connection):
        super().__init__()
        self._con = con
        self._absent: set[str] = set()

    def _load(self, key) -> bool:
        if dict.__contains__(self, key):
            return True
        if not isinstance(key, str) or key in self._absent:
            return False
        with _lock:
            row = self._con.execute("SELECT pinyin FROM phrases WHERE phrase = ?", [key]).fetchone()
        if row is None:
            self._absent.add(key)
            return False
        dict.__setitem__(self, key, json.loads(row[0]))
        return True

    def __contains__(self, key) -> bool:
        return self._load(key)

    def __getitem__(self, key):
        if not self._load(key):
            raise KeyError(key)
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        return dict.__getitem__(self, key) if self._load(key) else default

    def __bool__(self) -> bool:  # simpleseg segments only when the dictionary is not empty
        return True


class _Chars(dict):
    """pypinyin's PINYIN_DICT (code point → readings), looked up in the cache when first asked."""

    def __init__(self, con: sqlite3.Connection):
        super().__init__()
        self._con = con
        self._absent: set[int] = set()

    def _load(self, key) -> bool:
        if dict.__contains__(self, key):
            return True
        if not isinstance(key, int) or key in self._absent:
            return False
        with _lock:
            row = self._con.execute("SELECT pinyin FROM chars WHERE code = ?", [key]).fetchone()
        if row is None:
            self._absent.add(key)
            return False
        dict.__setitem__(self, key, row[0])
        return True

    def __contains__(self, key) -> bool:
        return self._load(key)

    def __getitem__(self, key):
        if not self._load(key):
            raise KeyError(key)
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        return dict.__getitem__(self, key) if self._load(key) else default

    def __bool__(self) -> bool:
        return True


class _Prefixes(set):
    """The phrase segmenter's prefix set: is some phrase spelled starting with this text?"""

    def __init__(self, con: sqlite3.Connection):
        super().__init__()
        self._con = con
        self._absent: set[str] = set()

    def __contains__(self, key) -> bool:
        if set.__contains__(self, key):
            return True
        if not isinstance(key, str) or not key or key in self._absent:
            return False
        with _lock:
            row = self._con.execute(
                "SELECT 1 FROM phrases WHERE phrase >= ? AND phrase < ? LIMIT 1", [key, key + _MAX]
            ).fetchone()
        if row is None:
            self._absent.add(key)
            return False
        self.add(key)
        return True


def _open_cache() -> sqlite3.Connection | None:
    pkg = _package_dir()
    if pkg is None:
        return None
    try:
        path = _cache_file(pkg)
        if not path.exists():
            _build(pkg, path)
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        con.execute("SELECT COUNT(*) FROM chars WHERE code = 0").fetchone()  # a damaged file fails here
        return con
    except (OSError, sqlite3.Error, ValueError):
        return None


def _import() -> None:
    """Import pypinyin with its dictionaries backed by the cache (or as it is, without one)."""
    global _lazy_pinyin
    if "pypinyin" not in sys.modules:
        con = _open_cache()
        if con is not None:
            for name, table in (("phrases_dict", _Phrases(con)), ("pinyin_dict", _Chars(con))):
                stub = types.ModuleType(f"pypinyin.{name}")
                setattr(stub, name, table)
                sys.modules[f"pypinyin.{name}"] = stub
            saved = {k: os.environ.get(k) for k in ("PYPINYIN_NO_DICT_COPY", "PYPINYIN_NO_PHRASES")}
            os.environ["PYPINYIN_NO_DICT_COPY"] = "1"  # a copy would be a plain dict of what is loaded
            os.environ.pop("PYPINYIN_NO_PHRASES", None)
            try:
                from pypinyin.seg import mmseg

                mmseg.p_set._set = _Prefixes(con)
            finally:
                for k, v in saved.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
    from pypinyin import lazy_pinyin

    _lazy_pinyin = lazy_pinyin


def lazy_pinyin(text: str) -> list[str]:
    """``pypinyin.lazy_pinyin(text)`` (NORMAL style: syllables without tones)."""
    if _lazy_pinyin is None:
        with _lock:
            if _lazy_pinyin is None:
                _import()
    return _lazy_pinyin(text)  # type: ignore[misc]


def _stamp() -> str | None:
    """What a reading depends on besides the text: pypinyin's code and dictionary files."""
    pkg = _package_dir()
    if pkg is None:
        return None
    try:  # its code by size and time (an upgrade changes them; importlib.metadata costs ~10 ms)
        code = "-".join(
            f"{(pkg / n).stat().st_size}-{(pkg / n).stat().st_mtime_ns}"
            for n in ("__init__.py", "core.py", "converter.py", "seg/mmseg.py")
        )
        return f"{code}|{_cache_file(pkg).name}"
    except OSError:
        return None


def kept_readings(texts: Iterable[str], read: Callable[[str], tuple[str, ...]], tag: str) -> dict:
    """``{text: read(text)}`` for a fixed set of texts, kept in the per-user cache directory.

    Why: a bot's sound index reads the ~300 known forms of its catalog at every start (0.03–0.04 s
    of a 0.25 s cold ``ask``), and they are the same forms start after start. The file is named
    after the texts, ``tag`` (the caller's name for what ``read`` does: change it when ``read``
    changes) and pypinyin's code and dictionaries, so it never answers for other readings; a
    file that is missing, damaged or unwritable only means reading them again."""
    import hashlib

    texts = sorted(set(texts))
    stamp = _stamp()
    if stamp is None:
        return {t: read(t) for t in texts}
    from .segment import cache_dir

    key = hashlib.sha256("\0".join([tag, stamp, *texts]).encode("utf-8")).hexdigest()[:32]
    path = Path(cache_dir()) / f"pinyin-readings-{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and len(data) == len(texts):
            return {t: tuple(data[t]) for t in texts}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    out = {t: read(t) for t in texts}
    try:
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
    return out
