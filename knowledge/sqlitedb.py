"""The few ``sqlite_utils.Database`` methods a bot reads through, on a plain sqlite3 connection.

Importing sqlite-utils costs a cold ``ask`` about 50 ms of CPU (its CLI dependencies: dateutil,
pluggy and the plugin scan through importlib.metadata) while answering a question only ever runs
parameterised SELECTs. A :class:`~bot.core.Bot` therefore opens its knowledge base through this
class; ingest, merge and every writer keep sqlite-utils. The semantics follow sqlite-utils 4:
``execute`` commits a write that opened a transaction by itself, ``atomic`` is one transaction
(a savepoint when one is open), ``query`` yields rows as dicts.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

_CONTROL = {"BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "END", "ROLLBACK"}


class Database:
    """A read-mostly knowledge-base connection with sqlite-utils' ``execute``/``query``/``atomic``."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def execute(self, sql: str, parameters: Sequence | dict[str, Any] | None = None) -> sqlite3.Cursor:
        was_in_transaction = self.conn.in_transaction
        try:
            cursor = self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)
        except Exception:
            if not was_in_transaction and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        control = sql.lstrip().split(None, 1)[0].upper() in _CONTROL if sql.strip() else False
        if not was_in_transaction and self.conn.in_transaction and cursor.description is None and not control:
            self.conn.execute("COMMIT")
        return cursor

    def executescript(self, sql: str) -> sqlite3.Cursor:
        return self.conn.executescript(sql)

    def query(self, sql: str, params: Sequence | dict[str, Any] | None = None) -> Iterator[dict]:
        cursor = self.execute(sql, params)
        if cursor.description is None:
            raise ValueError("query() 只用于返回行的语句 (a statement that returns rows)")
        keys = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(keys, row, strict=True))

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        if self.conn.in_transaction:
            self.conn.execute("SAVEPOINT knowledge_atomic")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK TO SAVEPOINT knowledge_atomic")
                    self.conn.execute("RELEASE SAVEPOINT knowledge_atomic")
                raise
            self.conn.execute("RELEASE SAVEPOINT knowledge_atomic")
            return
        self.conn.execute("BEGIN")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.rollback()
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
