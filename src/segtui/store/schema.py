"""The book's schema as numbered migrations keyed on ``PRAGMA user_version``.

Migration N brings a book from version N-1 to N. Never edit a released
migration: add a new one at the end.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1 — every entity of DESIGN §1
    """
    CREATE TABLE setting (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );

    CREATE TABLE customer (
        id         INTEGER PRIMARY KEY,
        source_id  TEXT NOT NULL UNIQUE,
        name       TEXT NOT NULL DEFAULT '',
        org_number TEXT,
        industry   TEXT,
        city       TEXT,
        postcode   TEXT,
        address    TEXT,
        owner      TEXT,
        created    TEXT NOT NULL,
        archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
    );
    CREATE INDEX customer_name ON customer (name COLLATE NOCASE);

    CREATE TABLE contact (
        id          INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        role        TEXT,
        phone       TEXT,
        email       TEXT,
        is_primary  INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1))
    );
    CREATE INDEX contact_customer ON contact (customer_id);

    -- One row per order (lines of one order are summed on import).
    -- order_key groups rows into orders: the source order id, or 'd:' + date
    -- for rows without one (several rows on one day without ids are one order).
    CREATE TABLE "order" (
        id          INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        order_ref   TEXT,
        order_key   TEXT NOT NULL,
        date        TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        amount      INTEGER NOT NULL,
        currency    TEXT NOT NULL DEFAULT 'SEK'
    );
    -- Re-imports add nothing twice: keyed on the order id, or customer + date + amount.
    CREATE UNIQUE INDEX order_by_ref ON "order" (customer_id, order_ref) WHERE order_ref IS NOT NULL;
    CREATE UNIQUE INDEX order_by_day ON "order" (customer_id, date, amount) WHERE order_ref IS NULL;
    -- Covering index for the one-pass aggregate of the segmentation engine.
    CREATE INDEX order_aggregate ON "order" (customer_id, order_key, date, amount);

    CREATE TABLE assessment (
        id               INTEGER PRIMARY KEY,
        customer_id      INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        date             TEXT NOT NULL,
        who              TEXT,
        budget_per_year  INTEGER CHECK (budget_per_year IS NULL OR budget_per_year >= 0),
        loyalty_override REAL CHECK (loyalty_override IS NULL OR loyalty_override BETWEEN 0 AND 1),
        confidence       TEXT CHECK (confidence IS NULL OR confidence IN ('low', 'medium', 'high')),
        note             TEXT
    );
    CREATE INDEX assessment_customer ON assessment (customer_id, date, id);

    CREATE TABLE checklist_answer (
        customer_id  INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        question_key TEXT NOT NULL,
        answer       TEXT NOT NULL CHECK (answer IN ('yes', 'no', 'unknown')),
        note         TEXT,
        date         TEXT NOT NULL,
        PRIMARY KEY (customer_id, question_key)
    );

    CREATE TABLE qualification (
        customer_id INTEGER PRIMARY KEY REFERENCES customer (id) ON DELETE CASCADE,
        pain        INTEGER CHECK (pain IN (0, 1)),
        money       INTEGER CHECK (money IN (0, 1)),
        timing      INTEGER CHECK (timing IN (0, 1)),
        parked_reason TEXT,
        date        TEXT NOT NULL
    );

    CREATE TABLE buying_behaviour (
        customer_id INTEGER PRIMARY KEY REFERENCES customer (id) ON DELETE CASCADE,
        focus       TEXT CHECK (focus IS NULL OR focus IN ('price', 'performance', 'delivery')),
        custom      INTEGER CHECK (custom IN (0, 1)),
        collaborate INTEGER CHECK (collaborate IN (0, 1)),
        date        TEXT NOT NULL
    );

    CREATE TABLE competitor_contract (
        id          INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        competitor  TEXT NOT NULL,
        ends_on     TEXT NOT NULL,
        note        TEXT
    );
    CREATE INDEX competitor_contract_customer ON competitor_contract (customer_id, ends_on);

    CREATE TABLE activity (
        id          INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        date        TEXT NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('visit', 'call', 'mail')),
        outcome     TEXT,
        note        TEXT
    );
    CREATE INDEX activity_customer ON activity (customer_id, date);

    CREATE TABLE plan_item (
        id          INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        day         TEXT NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('visit', 'call')),
        status      TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'done', 'skipped')),
        reason      TEXT,
        manual      INTEGER NOT NULL DEFAULT 0 CHECK (manual IN (0, 1)),
        activity_id INTEGER REFERENCES activity (id) ON DELETE SET NULL
    );
    CREATE INDEX plan_item_day ON plan_item (day, kind);
    CREATE INDEX plan_item_customer ON plan_item (customer_id, day);
    """,
    # 2 — kept by hand (docs/records.md): dated notes, and the id a CRM gives the customer
    """
    CREATE TABLE note (
        id          INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        date        TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        text        TEXT NOT NULL
    );
    CREATE INDEX note_customer ON note (customer_id, date);

    ALTER TABLE customer ADD COLUMN crm_id TEXT;
    CREATE INDEX customer_crm_id ON customer (crm_id) WHERE crm_id IS NOT NULL;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
