"""What the bot understands, loaded from the YAML files beside this module.

The YAML is the product's rulebook, edited by maintainers without Python; this loader only reads
and validates it. Errors name the file and the key, and for conflicts both entries, so a
maintainer can fix the file without reading code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

RULES_DIR = Path(__file__).parent


class RulesError(ValueError):
    pass


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

    def subjects(self) -> set[str]:
        return set(self.synonyms.values()) | set(self.groups) | {p for ps in self.groups.values() for p in ps}


def _load(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise RulesError(f"{path.name}: YAML 格式错误 (malformed YAML): {e}") from None
    if not isinstance(data, dict):
        raise RulesError(f"{path.name}: 顶层必须是映射 (top level must be a mapping)")
    return data


def _str_list(value, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise RulesError(f"{where}: 必须是字符串列表 (must be a list of strings)")
    return [str(v) for v in value]


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
    )


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    return load_rules()
