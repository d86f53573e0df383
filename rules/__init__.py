"""What the bot understands, loaded from the YAML files of one language folder (``rules/zh/``).

The YAML is the product's rulebook, edited by maintainers without Python; this loader only reads
and validates it. Errors name the file and the key, and for conflicts both entries, so a
maintainer can fix the file without reading code. Every word list, pattern and answer sentence
the engine uses lives there: ``words.yaml`` (named word lists), ``patterns.yaml`` (named regular
expressions, compiled and checked here), ``templates.yaml`` (every answer sentence),
``tables.yaml`` (the national table layout, read by the query stage and by ``knowledge.checks``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

LANGUAGE = "zh"
RULES_DIR = Path(__file__).parent / LANGUAGE


class RulesError(ValueError):
    pass


@dataclass(frozen=True)
class TableLayout:
    """The national 决算 template's tables (公开NN表): what each holds and which answers first."""

    roles: dict[str, str]  # 公开NN表 → role (overview, income, expenditure …)
    answer_order: tuple[str, ...]  # 公开NN表 codes, the table that answers first when several print a 科目
    title_order: tuple[re.Pattern, ...]  # the same order by title, for reports that print no codes


@dataclass(frozen=True)
class Route:
    """One row of intents.yaml's routing: this intent, if its words appear (when asked) and the
    named condition holds (``negate`` for "not …")."""

    intent: str
    words: bool = False
    when: str | None = None
    negate: bool = False


@dataclass
class Measure:
    name: str
    label: str
    words: list[str]
    columns: list[str]


@dataclass
class Rules:
    synonyms: dict[str, str]  # colloquial form → subject
    groups: dict[str, list[str]]
    fallbacks: dict[str, list[str]]  # subject → rows to use when a report has no row of that name
    label_noise: list[str]
    private_words: list[str]
    person_markers: list[str]
    measures: dict[str, Measure]
    operations: dict[str, list[str]]
    intents: dict[str, list[str]]  # in order
    templates: dict[str, str]
    examples: list[str] = field(default_factory=list)
    department_aliases: dict[str, list[str]] = field(default_factory=dict)  # core name → other names
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # words.yaml: name → words
    patterns: Mapping[str, re.Pattern] = field(default_factory=dict)  # patterns.yaml: name → compiled
    tables: TableLayout | None = None
    routing: tuple[Route, ...] = ()
    without_report: frozenset[str] = frozenset()

    def word(self, name: str) -> tuple[str, ...]:
        """A named word list of words.yaml (a missing name is the rule file's error, said so)."""
        try:
            return self.words[name]
        except KeyError:
            raise RulesError(f"words.yaml: 缺少 {name} (missing word list)") from None

    def one(self, name: str) -> str:
        """A single named word of words.yaml (a value that is one string)."""
        value = self.word(name)
        if len(value) != 1:
            raise RulesError(f"words.yaml: {name}: 必须是一个词 (must be one word)")
        return value[0]

    def pattern(self, name: str) -> re.Pattern:
        """A named pattern of patterns.yaml, compiled once at load."""
        try:
            return self.patterns[name]
        except KeyError:
            raise RulesError(f"patterns.yaml: 缺少 {name} (missing pattern)") from None

    def subjects(self) -> set[str]:
        return set(self.synonyms.values()) | set(self.groups) | {p for ps in self.groups.values() for p in ps}


@lru_cache(maxsize=1)
def _unique_keys_loader():
    """A safe loader (libyaml's C one when installed) that refuses a key given twice (YAML keeps
    the last one silently). Built on first use: a start whose rules come from the cache below
    never imports yaml."""
    import yaml

    class _UniqueKeys(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    def _no_duplicates(loader, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise RulesError(
                    f"{getattr(loader, 'rules_file', '?')}: 重复的键 {key}（第{seen[key]}行和第{key_node.start_mark.line + 1}行）"
                    f" (key given twice)"
                )
            seen[key] = key_node.start_mark.line + 1
        return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)

    _UniqueKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)
    return _UniqueKeys, yaml.YAMLError


# Parsed rule files kept as JSON in the per-user cache directory, named after the file's content
# (SHA-256), so a cache can never be stale: an edited file has another name. Why: every cold start
# read ~65 kB of YAML (~10 ms with libyaml and the duplicate-key check, which runs in Python) and
# imported yaml (~13 ms); json reads the same data in ~0.4 ms. Only data that JSON gives back
# unchanged is cached (string keys, no dates), and only after it loaded without error, so every
# check above still runs on any content not seen before.
_CACHE_FORMAT = "rules-json-v2"


@lru_cache(maxsize=1)
def _cache_dir() -> Path | None:
    try:
        from knowledge.segment import cache_dir
    except ImportError:  # the rules used without the knowledge package
        return None
    return Path(cache_dir())


def _cached_path(path: Path, raw: bytes, checked: str = "") -> Path | None:
    import hashlib

    d = _cache_dir()
    if d is None:
        return None
    key = hashlib.sha256(f"{_CACHE_FORMAT}\0{checked}\0".encode() + raw).hexdigest()[:32]
    return d / f"disclosure-bot-{path.stem}-{key}.json"


def _parse(path: Path, raw: bytes) -> object:
    loader_class, yaml_error = _unique_keys_loader()
    try:
        loader = loader_class(raw.decode("utf-8"))
        loader.rules_file = path.name
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml_error as e:
        raise RulesError(f"{path.name}: YAML 格式错误 (malformed YAML): {e}") from None


def _load(path: Path, check: Callable[[dict], object] | None = None) -> dict:
    """A rule file's data. ``check`` runs on content not seen before, and the data is kept only
    once it passed, so content read from the cache has passed it (a pattern file: every pattern
    compiles)."""
    return _load_checked(path, check)[0]


def _load_checked(path: Path, check: Callable[[dict], object] | None = None) -> tuple[dict, bool]:
    """(data, whether it came from the cache)."""
    import json
    import os
    import tempfile

    raw = path.read_bytes()
    # a file read with a check is kept apart from the same file read without one
    cached = _cached_path(path, raw, getattr(check, "__qualname__", "") if check else "")
    if cached is not None:
        try:
            data = json.loads(cached.read_bytes())
            if isinstance(data, dict):
                return data, True
        except (OSError, ValueError):
            pass
    data = _parse(path, raw)
    if not isinstance(data, dict):
        raise RulesError(f"{path.name}: 顶层必须是映射 (top level must be a mapping)")
    if check is not None:
        check(data)
    if cached is not None:
        try:
            text = json.dumps(data, ensure_ascii=False)
            if json.loads(text) == data:  # JSON gives it back as YAML read it (no int keys, no dates)
                fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(text)
                os.replace(tmp, cached)
        except (OSError, TypeError, ValueError):
            pass  # an unwritable cache only costs the next start the YAML read again
    return data, False


def _str_list(value, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise RulesError(f"{where}: 必须是字符串列表 (must be a list of strings)")
    return [str(v) for v in value]


def _compile(pattern: object, where: str) -> re.Pattern:
    """A pattern from YAML: one string, or a list of alternatives joined with ``|``."""
    if isinstance(pattern, list):
        pattern = "|".join(_str_list(pattern, where))
    if not isinstance(pattern, str) or not pattern:
        raise RulesError(f"{where}: 必须是正则表达式字符串或列表 (must be a regex or a list of alternatives)")
    try:
        return re.compile(pattern)
    except re.error as e:
        raise RulesError(f"{where}: 正则表达式错误 (bad regex): {e}") from None


def _routing(data: dict) -> tuple[Route, ...]:
    rows = data.get("routing") or []
    if not isinstance(rows, list) or not rows:
        raise RulesError("intents.yaml: routing: 需要路由列表 (needs the list of routes)")
    out = []
    for i, row in enumerate(rows):
        where = f"intents.yaml: routing[{i}]"
        if not isinstance(row, dict) or not isinstance(row.get("intent"), str):
            raise RulesError(f"{where}: 需要 intent (needs an intent)")
        unknown = set(row) - {"intent", "words", "when"}
        if unknown:
            raise RulesError(f"{where}: 未知键 {sorted(unknown)} (unknown keys)")
        when = row.get("when")
        if when is not None and not isinstance(when, str):
            raise RulesError(f"{where}: when 必须是条件名 (must be a condition name)")
        negate = bool(when) and when.startswith("not ")
        out.append(Route(row["intent"], bool(row.get("words")), when[4:] if negate else when, negate))
    return tuple(out)


def load_words(path: Path) -> dict[str, tuple[str, ...]]:
    """Named word lists; a value that is one string is a list of one word."""
    data = _load(path) if path.exists() else {}
    return {
        str(k): (str(v),) if isinstance(v, str) else tuple(_str_list(v, f"{path.name}: {k}"))
        for k, v in data.items()
    }


class Patterns(dict):
    """patterns.yaml's patterns by name, each compiled the first time it is asked for.

    Why: a question uses ~20 of the ~80 patterns, and compiling all of them was ~10 ms of every
    cold start. Only content that compiled in full before (it is in the cache only then, see
    :func:`_load`) is compiled lazily; new content is compiled and checked at load as always, so a
    bad pattern is still refused at start naming file and key. A dict of the patterns compiled so
    far (a lookup of one is a plain dict lookup, as before), ``__missing__`` compiling the others;
    membership, length, iteration and equality are those of all the file's patterns."""

    def __init__(self, sources: dict[str, object], where: str, compiled: dict[str, re.Pattern] | None = None):
        super().__init__(compiled or {})
        self._sources = sources
        self._where = where

    def __missing__(self, name: str) -> re.Pattern:
        if name not in self._sources:
            raise KeyError(name)
        p = _compile(self._sources[name], f"{self._where}: {name}")
        dict.__setitem__(self, name, p)
        return p

    def _all(self) -> dict[str, re.Pattern]:
        return {k: self[k] for k in self._sources}

    def get(self, name, default=None):
        return self[name] if name in self._sources else default

    def __contains__(self, name: object) -> bool:
        return name in self._sources

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)

    def keys(self):
        return self._sources.keys()

    def items(self):
        return self._all().items()

    def values(self):
        return self._all().values()

    def __eq__(self, other: object) -> bool:
        return dict(self.items()) == (dict(other.items()) if isinstance(other, dict) else other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Patterns({self._sources!r})"


def load_patterns(path: Path) -> Patterns:
    if not path.exists():
        return Patterns({}, path.name)
    compiled: dict[str, re.Pattern] = {}

    def check(data: dict) -> None:
        compiled.update({str(k): _compile(v, f"{path.name}: {k}") for k, v in data.items()})

    data, _cached = _load_checked(path, check)
    return Patterns({str(k): v for k, v in data.items()}, path.name, compiled)


def load_tables(path: Path) -> TableLayout:
    data = _load(path)
    roles = data.get("national_tables")
    if not isinstance(roles, dict) or not roles:
        raise RulesError(f"{path.name}: national_tables: 需要 公开NN表 → role 的映射 (needs code → role)")
    order = tuple(_str_list(data.get("answer_order"), f"{path.name}: answer_order"))
    unknown = [c for c in order if c not in roles]
    if unknown:
        raise RulesError(f"{path.name}: answer_order: 未知表号 {unknown} (not in national_tables)")
    titles = data.get("title_order") or []
    if not isinstance(titles, list):
        raise RulesError(f"{path.name}: title_order: 必须是列表 (must be a list)")
    return TableLayout(
        roles={str(k): str(v) for k, v in roles.items()},
        answer_order=order,
        title_order=tuple(_compile(t, f"{path.name}: title_order[{i}]") for i, t in enumerate(titles)),
    )


@lru_cache(maxsize=1)
def table_layout() -> TableLayout:
    """The national table layout alone (``knowledge.checks`` reads it without the rest)."""
    return load_tables(RULES_DIR / "tables.yaml")


def load_rules(directory: str | Path | None = None) -> Rules:
    d = Path(directory) if directory else RULES_DIR
    lex = _load(d / "lexicon.yaml")
    mea = _load(d / "measures.yaml")
    inte = _load(d / "intents.yaml")
    tpl = _load(d / "templates.yaml")

    synonyms: dict[str, str] = {}
    for subject, forms in (lex.get("synonyms") or {}).items():
        for form in _str_list(forms, f"lexicon.yaml: synonyms.{subject}"):
            if form in synonyms and synonyms[form] != subject:
                raise RulesError(
                    f"lexicon.yaml: synonyms: “{form}” 同时指向 “{synonyms[form]}” 和 “{subject}”"
                    f" (one synonym, two subjects)"
                )
            synonyms[form] = str(subject)
    groups = {str(k): _str_list(v, f"lexicon.yaml: groups.{k}") for k, v in (lex.get("groups") or {}).items()}
    measures: dict[str, Measure] = {}
    for name, m in (mea.get("measures") or {}).items():
        if not isinstance(m, dict) or "words" not in m:
            raise RulesError(
                f"measures.yaml: measures.{name}: 需要 words 和 columns (needs words and columns)"
            )
        measures[name] = Measure(
            name=name,
            label=str(m.get("label", name)),
            words=_str_list(m.get("words"), f"measures.yaml: measures.{name}.words"),
            columns=_str_list(m.get("columns"), f"measures.yaml: measures.{name}.columns"),
        )
    operations = {
        str(k): _str_list(v, f"measures.yaml: operations.{k}")
        for k, v in (mea.get("operations") or {}).items()
    }
    intents = {}
    for name, spec in (inte.get("intents") or {}).items():
        if not isinstance(spec, dict):
            raise RulesError(f"intents.yaml: intents.{name}: 需要 words (needs words)")
        intents[str(name)] = _str_list(spec.get("words"), f"intents.yaml: intents.{name}.words")
    routing = _routing(inte)
    without_report = frozenset(_str_list(inte.get("without_report"), "intents.yaml: without_report"))
    for name in without_report:
        if name not in intents:
            raise RulesError(f"intents.yaml: without_report: 未知意图 {name} (unknown intent)")
    for i, route in enumerate(routing):
        if route.intent not in intents:
            raise RulesError(f"intents.yaml: routing[{i}]: 未知意图 {route.intent} (not under intents)")
    examples = _str_list(tpl.pop("examples", []), "templates.yaml: examples")
    dep_path = d / "departments.yaml"
    dep = _load(dep_path) if dep_path.exists() else {}
    department_aliases = {
        str(k): _str_list(v, f"departments.yaml: aliases.{k}") for k, v in (dep.get("aliases") or {}).items()
    }
    templates = {}
    for k, v in tpl.items():
        if not isinstance(v, str):
            raise RulesError(f"templates.yaml: {k}: 必须是字符串 (must be a string)")
        templates[str(k)] = v
    for required in ("lookup", "clarify", "no_subject", "out_of_scope", "not_in_kb"):
        if required not in templates:
            raise RulesError(f"templates.yaml: 缺少模板 {required} (missing template)")
    return Rules(
        synonyms=synonyms,
        groups=groups,
        fallbacks={
            str(k): _str_list(v, f"lexicon.yaml: fallbacks.{k}")
            for k, v in (lex.get("fallbacks") or {}).items()
        },
        label_noise=_str_list(lex.get("label_noise"), "lexicon.yaml: label_noise"),
        private_words=_str_list(lex.get("private_words"), "lexicon.yaml: private_words"),
        person_markers=_str_list(lex.get("person_markers"), "lexicon.yaml: person_markers"),
        measures=measures,
        operations=operations,
        intents=intents,
        templates=templates,
        examples=examples,
        department_aliases=department_aliases,
        routing=routing,
        without_report=without_report,
        words=load_words(d / "words.yaml"),
        patterns=load_patterns(d / "patterns.yaml"),
        tables=load_tables(d / "tables.yaml"),
    )


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    return load_rules()
