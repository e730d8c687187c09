"""The team book against a real PostgreSQL that the tests start (docs/team.md)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from segtui.store.book import open_book
from segtui.store.schema import SCHEMA_VERSION
from segtui.store import team
from team_server import Server, bindir

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample.db"
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="session")
def server():
    found = bindir()
    if found is None:
        pytest.skip("PostgreSQL is not installed here (no initdb/pg_ctl; apt-get install postgresql-15)")
    s = Server(found)
    s.start()
    yield s
    s.stop()


@pytest.fixture
def url(server) -> str:
    address = server.create_db("t" + uuid.uuid4().hex[:12])
    team.init(address)
    return address


def at(minute: int) -> dt.datetime:
    return NOW + dt.timedelta(minutes=minute)


def test_init_is_idempotent_and_a_newer_team_book_is_refused(server):
    address = server.create_db("init" + uuid.uuid4().hex[:8])
    assert "is set up" in team.init(address)
    assert "nothing to do" in team.init(address)
    import psycopg

    with psycopg.connect(address, autocommit=True) as conn:
        conn.execute("UPDATE segtui.meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(team.TeamError, match="newer segtui"):
        team.init(address)


def test_publish_and_join(url, tmp_path):
    a_path = tmp_path / "a.db"
    shutil.copy(SAMPLE, a_path)
    a = open_book(a_path)
    first = team.sync(a, url, at(0))
    assert first.pushed > 0
    b = open_book(tmp_path / "b.db")
    joined = team.sync(b, url, at(1))
    assert joined.pulled >= first.pushed - 40
    assert b.counts() == a.counts()
    again_a, again_b = team.sync(a, url, at(2)), team.sync(b, url, at(3))
    assert (again_a.pushed, again_a.pulled, again_b.pushed, again_b.pulled) == (0, 0, 0, 0)
