"""The tokens stage: the question cut into words, with the knowledge base's names as words.

jieba's dictionary is process-wide, so the catalog's names (subjects, departments, aliases) are
added once per catalog — a reloaded knowledge base brings its new names — and never per question.
"""

from __future__ import annotations

import weakref

from knowledge.segment import add_words, cut

from .catalog import Catalog

_loaded: dict[int, weakref.ref] = {}  # id(catalog) → the catalog whose names are in the dictionary


def tokens(catalog: Catalog, text: str) -> list[str]:
    """The words of ``text``; the first call for a catalog adds its names to the dictionary."""
    seen = _loaded.get(id(catalog))
    if seen is None or seen() is not catalog:
        add_words(list(catalog.aliases))
        _loaded.clear()  # one knowledge base per process at a time is the common case
        _loaded[id(catalog)] = weakref.ref(catalog)
    return cut(text)
