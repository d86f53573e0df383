"""Write ``knowledge/data/jieba_small.txt``: a trimmed copy of jieba's bundled ``dict.txt``.

    python benchmarks/make_small_dict.py [--words 60000] [--measure 20000,40000,60000,100000]

Kept, in the ``word freq tag`` format of ``dict.txt`` and in its order:

* the ``--words`` most frequent words;
* every dictionary word that occurs in a domain text — the question set, the bundled reference
  report, the rules YAML files and the corpus reports when ``../shared/corpus`` exists — so that,
  on those texts, jieba sees exactly the same candidate words as with the full dictionary (科目名称
  and rule synonyms are added by the bot at run time anyway);
* one line ``\\ue000\\ue000 <freq> x`` (two private-use characters no text contains) carrying the
  frequency of every dropped word, so the dictionary total — the denominator of every word's
  log-probability — is the one of the full dictionary, and the best route through a sentence whose
  words were all kept is the same as with the full dictionary.

``--measure`` prints, for each size, the file size, the whole-process time of a jieba start with
that dictionary (first run, without the cache, and cached: median of 3) and how many domain
sentences segment differently from the full dictionary, then writes ``--words``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from hashlib import md5
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "knowledge" / "data" / "jieba_small.txt"
CORPUS = ROOT.parent / "shared" / "corpus"
FILLER = "\ue000\ue000"


def full_dict() -> Path:
    import jieba

    return Path(jieba.__file__).parent / "dict.txt"


def question_set() -> list[str]:
    return [
        json.loads(x)["question"]
        for x in (ROOT / "tests" / "questions" / "reference.jsonl").read_text(encoding="utf-8").splitlines()
        if x.strip()
    ]


def domain_texts() -> list[str]:
    """The question set first, then the other domain texts."""
    texts = question_set()
    for p in sorted((ROOT / "knowledge" / "data").glob("*.md")) + sorted((ROOT / "rules").rglob("*.yaml")):
        texts += p.read_text(encoding="utf-8").splitlines()
    if CORPUS.is_dir():
        for p in sorted(CORPUS.glob("*.pages.json")):
            data = json.loads(p.read_text(encoding="utf-8"))
            for text in data.get("page_texts", []) if isinstance(data, dict) else []:
                texts += str(text).splitlines()
    return [t.strip() for t in texts if t.strip()]


def read_dict(path: Path) -> list[tuple[str, int, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) >= 2:
            out.append((parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""))
    return out


def words_in(texts: list[str], vocab: set[str], longest: int) -> set[str]:
    found = set()
    for t in texts:
        for i in range(len(t)):
            for j in range(i + 1, min(len(t), i + longest) + 1):
                if t[i:j] in vocab:
                    found.add(t[i:j])
    return found


def small_lines(entries: list[tuple[str, int, str]], n: int, domain: set[str]) -> list[str]:
    ranked = sorted(range(len(entries)), key=lambda i: -entries[i][1])
    keep = set(ranked[:n]) | {i for i, e in enumerate(entries) if e[0] in domain}
    dropped = sum(e[1] for i, e in enumerate(entries) if i not in keep)
    lines = [" ".join(str(x) for x in entries[i] if x != "") for i in sorted(keep)]
    lines.append(f"{FILLER} {dropped} x")
    return lines


def _wall(code: str, runs: int = 3, before=None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def cache_file(dictionary: Path, tmp_dir: str) -> Path:
    return (
        Path(tmp_dir)
        / f"jieba.u{md5(str(dictionary.resolve()).encode('utf-8', 'replace')).hexdigest()}.cache"
    )


def start_times(dictionary: Path) -> tuple[float, float]:
    """Whole-process jieba start with ``dictionary``: first run (no cache) and cached."""
    tmp = tempfile.gettempdir()
    code = (
        "import jieba, logging; jieba.setLogLevel(logging.WARNING); "
        f"t = jieba.Tokenizer({str(dictionary)!r}); t.lcut('三公经费多少')"
    )
    cache = cache_file(dictionary, tmp)
    first = _wall(code, before=lambda: cache.unlink(missing_ok=True))
    cached = _wall(code)
    return first, cached


def differences(dictionary: Path, texts: list[str]) -> int:
    import jieba

    full, small = jieba.Tokenizer(), jieba.Tokenizer(str(dictionary))
    return sum(full.lcut(t) != small.lcut(t) for t in texts)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--words", type=int, default=60000, help="most frequent words to keep")
    p.add_argument("--measure", help="comma-separated sizes to compare before writing")
    p.add_argument("--out", default=str(OUT))
    args = p.parse_args()
    import jieba

    jieba.setLogLevel(60)
    entries = read_dict(full_dict())
    vocab = {e[0] for e in entries}
    texts = domain_texts()
    n_questions = len(question_set())
    domain = words_in(texts, vocab, max(len(w) for w in vocab))
    print(
        f"full dictionary: {len(entries)} words; domain texts: {len(texts)} lines, {len(domain)} dictionary words",
        file=sys.stderr,
    )
    if args.measure:
        questions = texts[:n_questions]
        domain_wo_questions = words_in(texts[n_questions:], vocab, max(len(w) for w in vocab))
        first, cached = start_times(full_dict())
        print(
            f"{'full':>8s} {len(entries):7d} words {full_dict().stat().st_size / 1e6:5.2f} MB"
            f"  start first {first:.2f} s  cached {cached:.2f} s",
            file=sys.stderr,
        )
        for n in (int(x) for x in args.measure.split(",")):
            path = Path(tempfile.mkdtemp()) / f"jieba_{n}.txt"
            lines = small_lines(entries, n, domain)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            first, cached = start_times(path)
            diff = differences(path, texts)
            # held out: a dictionary built without the question set's words, on the questions
            path_ho = path.with_suffix(".heldout.txt")
            path_ho.write_text(
                "\n".join(small_lines(entries, n, domain_wo_questions)) + "\n", encoding="utf-8"
            )
            diff_ho = differences(path_ho, questions)
            print(
                f"{n:8d} {len(lines):7d} words {path.stat().st_size / 1e6:5.2f} MB"
                f"  start first {first:.2f} s  cached {cached:.2f} s"
                f"  segmented differently: domain lines {diff}/{len(texts)},"
                f" held-out questions {diff_ho}/{len(questions)}",
                file=sys.stderr,
            )
    lines = small_lines(entries, args.words, domain)
    out = Path(args.out)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(lines)} words, {out.stat().st_size / 1e6:.2f} MB)")
    os.utime(out)


if __name__ == "__main__":
    main()
