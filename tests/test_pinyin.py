"""knowledge/pinyin.py reads exactly as pypinyin does, with pypinyin's dictionaries read as needed.

Each side runs in a fresh process (the test session may have imported pypinyin already, and the
lazy dictionaries are installed only by the first import): one through ``knowledge.pinyin`` with an
empty cache directory (so the cache is built), one through plain ``pypinyin``; their readings of
the question sets, the rules, the reference report and the corpus page texts must be identical.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REFERENCE, ROOT, SHARED

LAZY = """
import json, sys
from knowledge.pinyin import lazy_pinyin
texts = json.load(open(sys.argv[1], encoding="utf-8"))
out = [lazy_pinyin(t) for t in texts]
import pypinyin, pypinyin.constants  # after the first reading: it installed the lazy dictionaries
# pypinyin's own function in the same process reads the same (the dictionaries are complete)
direct = [pypinyin.lazy_pinyin(t) for t in texts[:200]]
kinds = [type(pypinyin.constants.PHRASES_DICT).__name__, type(pypinyin.constants.PINYIN_DICT).__name__]
print(json.dumps({"out": out, "direct": direct, "kinds": kinds}, ensure_ascii=False))
"""

PLAIN = """
import json, sys
from pypinyin import lazy_pinyin
texts = json.load(open(sys.argv[1], encoding="utf-8"))
print(json.dumps({"out": [lazy_pinyin(t) for t in texts]}, ensure_ascii=False))
"""


def _texts() -> list[str]:
    texts: list[str] = []
    for f in sorted((ROOT / "tests" / "questions").glob("*.jsonl")):
        texts += [json.loads(x)["question"] for x in f.read_text(encoding="utf-8").splitlines() if x.strip()]
    for f in sorted((ROOT / "rules" / "zh").glob("*.yaml")):
        texts += [x for x in f.read_text(encoding="utf-8").splitlines() if x.strip()]
    texts += [x for x in REFERENCE.read_text(encoding="utf-8").splitlines() if x.strip()]
    for f in sorted((SHARED / "corpus").glob("*.pages.json")):
        for page in json.loads(f.read_text(encoding="utf-8"))["page_texts"]:
            texts += [x for x in (page or "").splitlines() if x.strip()]
    texts += ["", "abc", "2024年", "〇", "𠀀字", "银行行长", "重庆重新", "一", "公务拥车"]
    return texts


def _run(code: str, texts_file, env: dict) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", code, str(texts_file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return json.loads(proc.stdout)


def test_lazy_dictionaries_read_as_pypinyin(tmp_path):
    texts = _texts()
    assert len(texts) > 3000
    texts_file = tmp_path / "texts.json"
    texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "DISCLOSURE_BOT_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    env.pop("PYPINYIN_NO_PHRASES", None)
    lazy = _run(LAZY, texts_file, env)
    assert lazy["kinds"] == ["_Phrases", "_Chars"]  # the lazy path ran, not the fallback
    assert list((tmp_path / "cache").glob("pinyin-*.sqlite"))
    again = _run(LAZY, texts_file, env)  # from the cache built by the first run
    plain = _run(PLAIN, texts_file, env)
    assert lazy["out"] == plain["out"]
    assert again["out"] == plain["out"]
    assert lazy["direct"] == plain["out"][:200]
