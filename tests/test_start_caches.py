"""What a cold start keeps between processes gives exactly what reading afresh gives (issue #13).

Two caches in the per-user cache directory shorten a cold ``ask``: the parsed rule files as JSON
(``rules._load``; a start that finds them never imports yaml) and the sound readings of a
catalog's known forms (``knowledge.pinyin.kept_readings``, used by ``bot.entities.SoundIndex``).
Both are named after what they were computed from, so an edited rule file or another set of forms
is read afresh, and the rule files' checks (a key given twice) still run on new content.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LOAD = """
import json, sys
import rules
r = rules.load_rules(sys.argv[1] if len(sys.argv) > 1 else None)
out = {"rules": repr(r)}
if len(sys.argv) == 1:
    from knowledge.stated import load_vocabulary  # stated.yaml, through the same loader
    out["stated"] = repr(load_vocabulary())
out["yaml"] = "yaml" in sys.modules
print(json.dumps(out, ensure_ascii=False))
"""


def _run(code: str, cache: Path, *args: str) -> subprocess.CompletedProcess:
    # one hash seed: the two processes print their sets in the same order
    env = {**os.environ, "DISCLOSURE_BOT_CACHE": str(cache), "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"}
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_rules_from_the_cache_are_the_rules_from_yaml(tmp_path):
    cache = tmp_path / "cache"
    first = _run(LOAD, cache)
    assert first.returncode == 0, first.stderr
    assert list(cache.glob("disclosure-bot-words-*.json"))
    again = _run(LOAD, cache)
    assert again.returncode == 0, again.stderr
    a, b = json.loads(first.stdout), json.loads(again.stdout)
    assert a.pop("yaml") is True  # the first start parsed the YAML
    assert b.pop("yaml") is False  # the second read the same data without importing yaml
    assert a == b


def test_an_edited_rule_file_is_read_again_and_still_checked(tmp_path):
    cache = tmp_path / "cache"
    rules_dir = tmp_path / "zh"
    shutil.copytree(ROOT / "rules" / "zh", rules_dir)
    assert _run(LOAD, cache, str(rules_dir)).returncode == 0  # every file cached
    words = rules_dir / "words.yaml"
    text = words.read_text(encoding="utf-8")
    # a key given twice: the cached copy of the old content must not hide the error
    key = next(ln.split(":")[0] for ln in text.splitlines() if ln and not ln.startswith(("#", " ", "-")))
    words.write_text(text + f"\n{key}: [重复]\n", encoding="utf-8")
    bad = _run(LOAD, cache, str(rules_dir))
    assert bad.returncode != 0
    assert "重复的键" in bad.stderr and key in bad.stderr
    # an edited value is what the next start reads
    words.write_text(text.replace(f"{key}:", f"{key}_old:", 1) + f"\n{key}: [新词]\n", encoding="utf-8")
    ok = _run(LOAD, cache, str(rules_dir))
    assert ok.returncode == 0, ok.stderr
    assert f"'{key}': ('新词',)" in json.loads(ok.stdout)["rules"]


SOUNDS = """
import json, sys
from pathlib import Path
from bot.core import Bot
import bot.entities as e
b = Bot(Path(sys.argv[1]))
idx = e.sound_index(b.catalog)
fresh = e.SoundIndex.__new__(e.SoundIndex)
fresh.by_sound, fresh.forms_by_sound = {}, {}
for form, subjects in b.catalog.aliases.items():
    if len(form) >= e.SOUND_MIN and all("\\u4e00" <= ch <= "\\u9fff" for ch in form):
        s = e._syllables.__wrapped__(form)  # read now, not from the kept file
        fresh.by_sound.setdefault(s, set()).update(subjects)
        fresh.forms_by_sound.setdefault(s, set()).add(form)
dump = lambda d: sorted([list(k), sorted(v)] for k, v in d.items())
print(json.dumps({"kept": [dump(idx.by_sound), dump(idx.forms_by_sound)],
                  "fresh": [dump(fresh.by_sound), dump(fresh.forms_by_sound)]}, ensure_ascii=False))
"""


def test_kept_sound_readings_are_pypinyins(built_db, tmp_path):
    cache = tmp_path / "cache"
    first = _run(SOUNDS, cache, str(built_db))
    assert first.returncode == 0, first.stderr
    assert list(cache.glob("pinyin-readings-*.json"))
    again = _run(SOUNDS, cache, str(built_db))
    assert again.returncode == 0, again.stderr
    a, b = json.loads(first.stdout), json.loads(again.stdout)
    assert a["kept"] == a["fresh"]  # computed and stored
    assert b["kept"] == b["fresh"]  # read back from the file
    assert len(a["kept"][0]) > 100


def test_a_bad_pattern_is_refused_at_every_start(tmp_path):
    """Patterns are compiled lazily only for content that compiled in full before."""
    cache = tmp_path / "cache"
    rules_dir = tmp_path / "zh"
    shutil.copytree(ROOT / "rules" / "zh", rules_dir)
    patterns = rules_dir / "patterns.yaml"
    patterns.write_text(
        patterns.read_text(encoding="utf-8") + "\nbroken_one: '(unclosed'\n", encoding="utf-8"
    )
    for _ in range(2):
        bad = _run(LOAD, cache, str(rules_dir))
        assert bad.returncode != 0
        assert "patterns.yaml: broken_one" in bad.stderr
