"""Department identity is region-aware, and abbreviations come from the name's structure.

On the Shanghai Putuo corpus plus the Guiyang reference report: a question that names another
region or level than the loaded department's is declined naming what is loaded — never answered
with the same-named department's figure.
"""

from decimal import Decimal

import pytest

from bot import Bot
from bot.departments import abbreviates, region_parts, shapes
from rules import default_rules
from tests.conftest import REFERENCE, SHARED

CORPUS = SHARED / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not available")


@pytest.fixture(scope="module")
def corpus_bot(tmp_path_factory):
    from knowledge.ingest import ingest
    from knowledge.store import open_db

    path = tmp_path_factory.mktemp("departments") / "kb.db"
    db = open_db(path)
    outcomes = ingest(db, [REFERENCE, CORPUS])
    db.close()
    assert sum(o.status == "ingested" for o in outcomes) == 12
    return Bot(path)


@pytest.mark.parametrize(
    "question,asked",
    [
        ("黄浦区生态环境局三公经费", "黄浦区生态环境局"),  # the issue's wrong figure (普陀区's 16.95)
        ("浦东新区司法局2026年三公经费预算", "浦东新区司法局"),
        ("上海市生态环境局三公经费", "上海市生态环境局"),  # the city's, not the district's
        ("上海市社工部三公经费", "上海市社工部"),  # 中共上海市委社会工作部 is another department
        ("市财政局2024年支出总计", "市财政局"),  # a level the loaded 财政局 is not at
        ("贵阳市财政局三公经费", "贵阳市财政局"),  # a loaded region, but its 财政局 is not loaded
        ("上海市12345热线三公经费", "上海市12345热线"),  # the hotline loaded is Guiyang's
    ],
)
def test_other_region_or_level_is_declined(corpus_bot, question, asked):
    a = corpus_bot.ask(question)
    assert a.status == "no_answer" and a.value is None, a.text
    assert asked in a.text, a.text
    assert "上海市普陀区" in a.text or "贵阳市" in a.text  # names what is loaded


@pytest.mark.parametrize(
    "question,value",
    [
        ("上海市普陀区生态环境局三公经费", "16.95"),
        ("普陀区生态环境局三公经费", "16.95"),
        ("普陀区的生态局三公经费", "16.95"),
        ("区财政局2024年支出总计", "2995.39"),  # the level the loaded 财政局 is at
        ("区委社工部三公经费", "0.00"),
        ("上海市普陀区委社工部三公经费", "0.00"),
        ("贵阳市12345热线三公经费", "0.00"),
        ("普陀区石泉路街道三公经费", "37.35"),
    ],
)
def test_own_region_is_answered(corpus_bot, question, value):
    a = corpus_bot.ask(question)
    assert a.status == "answered" and a.value == Decimal(value), a.text


@pytest.mark.parametrize(
    "full,short",
    [
        ("发展和改革委员会", "发改委"),
        ("人力资源和社会保障局", "人社局"),
        ("住房和城乡建设局", "住建局"),
        ("市场监督管理局", "市场监管局"),
        ("宜川路街道办事处", "宜川路街道"),
        ("宜川路街道办事处", "宜川街道"),
        ("社会工作部", "社工部"),
        ("规划和自然资源局", "规资局"),
        ("生态环境局", "生态局"),
        ("文化和旅游局", "文旅局"),
        ("潭城镇人民政府", "潭城镇"),
    ],
)
def test_abbreviation_derived_from_structure(full, short):
    assert abbreviates(short, shapes(full, default_rules()))


@pytest.mark.parametrize(
    "full,short",
    [
        ("发展和改革委员会", "发委"),  # 改革 is a part of its own: it must keep a character
        ("生态环境局", "环境局"),  # the first word is kept
        ("生态环境局", "生态部"),  # another kind of department
        ("财政局", "政局"),
    ],
)
def test_not_an_abbreviation(full, short):
    assert not abbreviates(short, shapes(full, default_rules()))


def test_region_parts():
    assert region_parts("上海市普陀区") == ("上海市", "普陀区")
    assert region_parts("平潭综合实验区") == ("平潭综合实验区",)
    assert region_parts("贵阳市") == ("贵阳市",)


@pytest.fixture(scope="module")
def renamed(tmp_path_factory):
    """The corpus's 生态环境局 report and the reference report stored as Putuo's
    发展和改革委员会, as ``--department`` would."""
    from knowledge.ingest import ingest_file
    from knowledge.store import open_db

    path = tmp_path_factory.mktemp("renamed") / "kb.db"
    db = open_db(path)
    eco = CORPUS / "shanghai-putuo-ecology-environment-bureau-2025-final.pages.json"
    assert ingest_file(db, str(eco)).status == "ingested"
    assert ingest_file(db, str(REFERENCE), department="上海市普陀区发展和改革委员会").status == "ingested"
    db.close()
    return Bot(path)


def test_derived_abbreviation_names_the_report(renamed):
    a = renamed.ask("发改委2024年三公经费")
    assert a.status == "answered" and "发展和改革委员会" in a.text, a.text
    assert renamed.ask("普陀区发改委2024年三公经费").status == "answered"
    assert renamed.ask("黄浦区发改委2024年三公经费").status == "no_answer"


def test_ambiguous_abbreviation_asks_back(tmp_path):
    """生态局 abbreviates both 生态环境局 and 生态文明建设局: asked back, no figure."""
    from knowledge.ingest import ingest_file
    from knowledge.store import open_db

    path = tmp_path / "kb.db"
    db = open_db(path)
    eco = CORPUS / "shanghai-putuo-ecology-environment-bureau-2025-final.pages.json"
    assert ingest_file(db, str(eco)).status == "ingested"
    other = "上海市普陀区生态文明建设局"
    assert ingest_file(db, str(REFERENCE), department=other, year=2025).status == "ingested"
    db.close()
    bot = Bot(path)
    a = bot.ask("生态局2025年三公经费")
    assert a.status == "clarify" and a.value is None, a.text
    assert any("生态环境局" in s for s in a.suggestions) and any("生态文明建设局" in s for s in a.suggestions)
    a = bot.ask("生态环境局2025年三公经费")
    assert a.status == "answered" and a.value == Decimal("16.95"), a.text


def test_a_level_column_is_tolerated(corpus_bot, tmp_path):
    """A knowledge base whose reports carry a ``level`` (区) answers and declines the same way."""
    import shutil
    import sqlite3

    path = tmp_path / "level.db"
    shutil.copy(corpus_bot.db_path, path)
    con = sqlite3.connect(path)
    if "level" not in {r[1] for r in con.execute("PRAGMA table_info(reports)")}:
        con.execute("ALTER TABLE reports ADD COLUMN level TEXT")  # a knowledge base from before levels
    con.execute("UPDATE reports SET level = '区' WHERE region = '上海市普陀区'")
    con.commit()
    con.close()
    bot = Bot(path)
    assert {r.level for r in bot.catalog.reports if r.region == "上海市普陀区"} == {"区"}
    assert bot.ask("区财政局2024年支出总计").value == Decimal("2995.39")
    assert bot.ask("市财政局2024年支出总计").status == "no_answer"
