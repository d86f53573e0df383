"""The phrasing generator (tests/phrasing) over the reference report and the corpus.

The generator's own behaviour is tested first (facts read from the knowledge base, exact unit
conversion, classification, determinism); then the bot is asked a fixed-seed sample (default
run) and ≥ 20 000 questions (``-m slow``). A wrong figure is never acceptable: where the bot as
it stands gave some, the questions were listed in tests/phrasing/FINDINGS.md and fixed; every
assertion here is plain now (0 wrong figures in the CI samples and in the slow run).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot import Bot
from tests.phrasing.check import answer_rate, classify, counts, inconsistent, run
from tests.phrasing.facts import load, subject_key
from tests.phrasing.generate import convert, generate
from tests.phrasing.kb import CORPUS, REFERENCE, build, corpus_sources
from tests.phrasing.parts import department_forms, subject_forms
from tests.phrasing.report import SLOTS, findings, markdown

SEED = 12


@pytest.fixture(scope="module")
def index(built_db):
    return load(built_db)


@pytest.fixture(scope="module")
def sample(built_db, index):
    """The fixed-seed CI sample over the reference report, answered once."""
    questions = generate(index, per_fact=16, seed=SEED)
    return run(Bot(built_db), questions)


def _fact(index, key, code=""):
    return [f for f in index.facts if f.key == key and (not code or f.code == code)]


def test_facts_come_from_the_tables_narrative_and_indicators(index):
    sources = {f.source for f in index.facts}
    assert sources == {"cell", "narrative", "indicator"}
    office = _fact(index, "办公费", "30201")
    assert office and {(f.value, f.unit, f.measure) for f in office} == {(Decimal("9.37"), "万元", "actual")}
    # a narrative figure of the year before, and a 绩效 indicator's value without its qualifier
    assert any(f.measure == "prior" and f.unit == "人" for f in index.facts)
    assert any(f.source == "indicator" and f.unit == "%" and f.value == Decimal("95.15") for f in index.facts)
    # a fund's own budget word is not a budget: 一般公共预算财政拨款支出 is a 决算 figure
    assert all(f.measure == "actual" for f in _fact(index, "一般公共预算财政拨款基本支出"))


def test_subject_key_joins_printings_of_one_subject():
    assert subject_key("一、一般公共服务支出(类)") == subject_key("一般公共服务支出")
    assert subject_key("人员经费合计") == "人员经费"
    assert subject_key('"三公"经费财政拨款支出') == "三公经费"


def test_declared_empty_sangong_table_gives_zero_facts(index):
    zero = [f for f in _fact(index, "公务接待费") if f.source == "cell"]
    assert {f.measure for f in zero} == {"actual", "budget"} and all(f.value == 0 for f in zero)


def test_units_convert_exactly():
    assert convert(Decimal("9.37"), "万元", "元") == Decimal("93700")
    assert convert(Decimal("2049197.00"), "元", "万元") == Decimal("204.9197")
    assert convert(Decimal("95.15"), "%", "元") is None


def test_department_forms_fit_one_department(index):
    report = index.reports[1]
    forms = {p.label for p in department_forms(report, index.reports)}
    assert {"full", "short", "alias", "digits"} <= forms
    office = _fact(index, "办公费", "30201")[0]
    labels = {p.label for p in subject_forms(office)}
    assert {"name", "code", "synonym"} <= labels


def test_generation_is_deterministic_and_every_question_carries_its_parts(index):
    a = generate(index, per_fact=3, seed=SEED)
    b = generate(index, per_fact=3, seed=SEED)
    assert [q.text for q in a] == [q.text for q in b]
    assert [q.text for q in generate(index, per_fact=3, seed=SEED + 1)] != [q.text for q in a]
    for q in a:
        assert tuple(p.slot for p in q.parts) == SLOTS
        own = convert(q.fact.value, q.fact.unit, q.unit_asked) if q.unit_asked else q.fact.value
        assert (own, q.unit_asked or q.fact.unit) in q.acceptable  # the fact's own figure, in the unit asked
        assert q.text and all(p.text in q.text for p in q.parts if p.slot in ("filler", "particle") and p.text
                              and q.part("noise").label == "-")


def test_a_subject_with_several_figures_accepts_each_and_is_not_determinate(index):
    """The reference report's 三公 table is declared empty (budget 0) while its text states a 三公
    budget of 1.93万元: both are the report's answer, asking back is best, neither is wrong."""
    qs = [q for q in generate(index, per_fact=20, seed=SEED)
          if q.fact.key == "三公经费" and q.fact.measure == "budget" and not q.unit_asked]
    assert qs
    for q in qs:
        assert {a for a, _u in q.acceptable} == {Decimal("0"), Decimal("1.93")}
        assert not q.determinate
        assert classify(q, "answered", Decimal("1.93"), "万元").cls == "correct"
        assert classify(q, "answered", Decimal("0.00"), "万元").cls == "correct"
        assert classify(q, "answered", Decimal("21.00"), "万元").cls == "wrong"


def test_classification_is_strict_about_figures_and_units(index):
    q = next(q for q in generate(index, per_fact=20, seed=SEED) if q.unit_asked == "元" and q.fact.value and q.determinate)
    (amount, unit), = q.acceptable
    assert classify(q, "answered", amount, unit).cls == "correct"
    assert classify(q, "answered", q.fact.value, q.fact.unit).cls == "wrong"  # right amount, unit not as asked
    assert classify(q, "answered", amount + Decimal("0.01"), unit).cls == "wrong"
    assert classify(q, "clarify", None, None).cls == "asked back"
    assert classify(q, "no_answer", None, None).cls == "declined"
    assert classify(q, "answered", None, None).cls == "no value"


def test_sample_covers_every_part(sample):
    assert len(sample) >= 1500
    table = markdown(sample, "sample")
    for form in ("abbr-guess", "alias", "digits", "code", "synonym", "colloquial", "年初预算", "上年",
                 "万元", "元", "请问", "一共", "到底", "呢", "X是多少", "X花了多少", "多少X", "X有多少",
                 "X多少钱", "X是几", "typo", "繁体", "全角"):
        assert f"| {form} |" in table, form


def test_sample_keeps_a_floor_of_correct_answers(sample):
    """Regression floor: at the time of writing 72% of determinate questions are answered right
    (60% before issue #12's first fixes); issue #12 asks for 95%."""
    good, det = answer_rate(sample)
    assert det > 1000 and good / det >= 0.70, (good, det)


def test_sample_has_no_wrong_figure(sample):
    wrong = [r for r in sample if r.cls == "wrong"]
    assert not wrong, f"{len(wrong)} wrong figures\n" + findings(sample)[:4000]


def test_sample_paraphrases_agree(sample):
    assert not inconsistent(sample)


@pytest.fixture(scope="module")
def json_corpus(tmp_path_factory):
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus not available")
    return build(tmp_path_factory.mktemp("phr") / "kb.db", [REFERENCE, *corpus_sources(json_only=True)])


@pytest.fixture(scope="module")
def corpus_sample(json_corpus):
    return run(Bot(json_corpus), generate(load(json_corpus), per_fact=2, seed=SEED))


def test_corpus_sample_names_every_department(corpus_sample):
    assert len(corpus_sample) >= 1000
    assert all(r.question.part("dept").label != "none" for r in corpus_sample)


def test_corpus_sample_has_no_wrong_figure(corpus_sample):
    assert not [r for r in corpus_sample if r.cls == "wrong"], findings(corpus_sample)[:4000]


def test_corpus_sample_paraphrases_agree_and_keep_a_floor(corpus_sample):
    assert not inconsistent(corpus_sample)
    good, det = answer_rate(corpus_sample)
    assert good / det >= 0.90, (good, det)  # 94% at the time of writing


@pytest.fixture(scope="module")
def twenty_thousand(built_db, tmp_path_factory):
    """≥ 20 000 questions over the reference report and the corpus (PDFs included)."""
    results = run(Bot(built_db), generate(load(built_db), per_fact=40, seed=SEED))
    if CORPUS.is_dir():
        kb = build(tmp_path_factory.mktemp("phr20k") / "corpus.db", [REFERENCE, *corpus_sources()])
        results += run(Bot(kb), generate(load(kb), per_fact=12, seed=SEED))
    return results


@pytest.mark.slow
def test_twenty_thousand_questions_are_generated(twenty_thousand):
    assert len(twenty_thousand) >= (20_000 if CORPUS.is_dir() else 4_000)


@pytest.mark.slow
def test_twenty_thousand_questions_no_wrong_figure(twenty_thousand):
    assert counts(twenty_thousand)["wrong"] == 0, counts(twenty_thousand)


def test_the_grammars_printings_of_one_subject_are_one_subject(index):
    """一般公共预算拨款支出 (a budget's 说明) is 一般公共预算财政拨款支出: the generator accepts the
    figure of either printing (rules/zh/stated.yaml phrases), but not a general total's."""
    from tests.phrasing.generate import _meanings

    fact = _fact(index, "一般公共预算财政拨款支出")[0]
    keys = _meanings(fact, "一般公共预算财政拨款支出")
    assert "一般公共预算拨款支出" in keys and "本年支出合计" not in keys


# -- the 平潭 portal pages (another region's names, narrative-only 说明, HTML tables) ---------------


@pytest.fixture(scope="module")
def pingtan_kb(tmp_path_factory):
    from tests.phrasing.kb import PINGTAN, pingtan_sources

    if not (PINGTAN.is_dir() and CORPUS.is_dir()):
        pytest.skip("../shared/pingtan or ../shared/corpus not available")
    return build(tmp_path_factory.mktemp("phrpt") / "kb.db", pingtan_sources())


@pytest.fixture(scope="module")
def pingtan_index(pingtan_kb):
    return load(pingtan_kb, stated=True)


@pytest.fixture(scope="module")
def pingtan_sample(pingtan_kb, pingtan_index):
    """The fixed-seed CI sample over the 平潭 pages' facts (4 per fact), answered once."""
    from tests.phrasing.kb import pingtan_reports

    return run(Bot(pingtan_kb), generate(pingtan_index, per_fact=4, seed=SEED, reports=pingtan_reports(pingtan_index)))


def test_pingtan_facts_come_from_stated_figures_and_tables(pingtan_index):
    from tests.phrasing.kb import pingtan_reports

    ours = pingtan_reports(pingtan_index)
    assert len(ours) == 10
    facts = [f for f in pingtan_index.facts if f.report_id in ours]
    assert {"stated", "cell", "narrative"} <= {f.source for f in facts}
    # 潭城镇's 说明 states its 三公 total; its 单位基本情况 table the 农业服务中心's staff
    tancheng = next(r.id for r in pingtan_index.reports.values() if "潭城镇" in r.department)
    assert any(f.report_id == tancheng and f.key == "三公经费" and f.value == Decimal("3.58") for f in facts)
    assert any(f.report_id == tancheng and f.key == "农业服务中心在职人数" and f.value == 10 for f in facts)
    # a figure the 说明 only derives (比2015年决算数增加…) is no fact; 北厝镇's budget is a budget
    assert not any(f.report_id == tancheng and f.measure == "prior" and f.source == "stated" for f in facts)
    assert {f.measure for f in facts if "北厝镇" in pingtan_index.reports[f.report_id].department} <= {"budget", "count"}


def test_pingtan_department_forms_are_as_people_say_them(pingtan_index):
    report = next(r for r in pingtan_index.reports.values() if "潭城镇" in r.department)
    forms = {p.text for p in department_forms(report, pingtan_index.reports)}
    assert {"潭城镇", "潭城镇政府", "潭城镇人民政府", "平潭潭城镇", "平潭综合实验区潭城镇政府"} <= forms
    cppcc = next(r for r in pingtan_index.reports.values() if r.department.endswith("政协"))
    assert "县政协" in {p.text for p in department_forms(cppcc, pingtan_index.reports)}


def test_pingtan_sample_has_no_wrong_figure(pingtan_sample):
    assert len(pingtan_sample) >= 800
    wrong = [r for r in pingtan_sample if r.cls == "wrong"]
    assert not wrong, f"{len(wrong)} wrong figures\n" + findings(pingtan_sample)[:4000]
    good, det = answer_rate(pingtan_sample)
    assert det > 500 and good / det >= 0.70, (good, det)  # 75.1% at the time of writing (59% before)
