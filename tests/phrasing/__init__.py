"""The phrasing generator (issue #12): facts of a knowledge base → questions composed from parts
(department mentions, subject forms, measure words, units, fillers, frames, typos, 繁体, 全角),
each with the figures a correct answer may give; the bot is asked through its public API only
and every answer is classified (correct / wrong figure / no value / asked back / declined), with a
coverage table by part. Test code: the bot never imports it.

    python -m tests.phrasing --reference            # the bundled report
    python -m tests.phrasing --corpus --per-fact 6  # reference + ../shared/corpus
    python -m tests.phrasing --kb kb.db --findings FINDINGS.md
"""
