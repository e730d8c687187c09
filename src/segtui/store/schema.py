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
    # 3 — global identity for the team book (docs/team.md): every row that travels
    # gets a ``uid`` unique across books. Customers are known by their source id,
    # orders by customer + order key (+ amount for orders without an id), a
    # customer's one-per-customer answers by customer (+ question); everything a
    # rep creates by a random id. New rows get theirs at their first sync.
    """
    ALTER TABLE customer ADD COLUMN uid TEXT;
    ALTER TABLE contact ADD COLUMN uid TEXT;
    ALTER TABLE "order" ADD COLUMN uid TEXT;
    ALTER TABLE assessment ADD COLUMN uid TEXT;
    ALTER TABLE checklist_answer ADD COLUMN uid TEXT;
    ALTER TABLE qualification ADD COLUMN uid TEXT;
    ALTER TABLE buying_behaviour ADD COLUMN uid TEXT;
    ALTER TABLE competitor_contract ADD COLUMN uid TEXT;
    ALTER TABLE activity ADD COLUMN uid TEXT;
    ALTER TABLE plan_item ADD COLUMN uid TEXT;
    ALTER TABLE note ADD COLUMN uid TEXT;

    UPDATE customer SET uid = source_id;
    UPDATE contact SET uid = lower(hex(randomblob(16)));
    UPDATE "order" SET uid = (SELECT c.source_id FROM customer c WHERE c.id = "order".customer_id)
        || char(31) || "order".order_key
        || CASE WHEN "order".order_ref IS NULL THEN char(31) || "order".amount ELSE '' END;
    UPDATE assessment SET uid = lower(hex(randomblob(16)));
    UPDATE checklist_answer SET uid = (SELECT c.source_id FROM customer c WHERE c.id = checklist_answer.customer_id)
        || char(31) || checklist_answer.question_key;
    UPDATE qualification SET uid = (SELECT c.source_id FROM customer c WHERE c.id = qualification.customer_id);
    UPDATE buying_behaviour SET uid = (SELECT c.source_id FROM customer c WHERE c.id = buying_behaviour.customer_id);
    UPDATE competitor_contract SET uid = lower(hex(randomblob(16)));
    UPDATE activity SET uid = lower(hex(randomblob(16)));
    UPDATE plan_item SET uid = lower(hex(randomblob(16)));
    UPDATE note SET uid = lower(hex(randomblob(16)));

    CREATE UNIQUE INDEX customer_uid ON customer (uid);
    CREATE UNIQUE INDEX contact_uid ON contact (uid);
    CREATE UNIQUE INDEX order_uid ON "order" (uid);
    CREATE UNIQUE INDEX assessment_uid ON assessment (uid);
    CREATE UNIQUE INDEX checklist_answer_uid ON checklist_answer (uid);
    CREATE UNIQUE INDEX qualification_uid ON qualification (uid);
    CREATE UNIQUE INDEX buying_behaviour_uid ON buying_behaviour (uid);
    CREATE UNIQUE INDEX competitor_contract_uid ON competitor_contract (uid);
    CREATE UNIQUE INDEX activity_uid ON activity (uid);
    CREATE UNIQUE INDEX plan_item_uid ON plan_item (uid);
    CREATE UNIQUE INDEX note_uid ON note (uid);

    -- This book's place in its team: its id, the last team version it has, when it last synced.
    CREATE TABLE team_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    -- Rows changed or deleted since the last sync (filled by triggers, see store/identity.py).
    CREATE TABLE team_change (
        seq INTEGER PRIMARY KEY,
        tbl TEXT NOT NULL,
        uid TEXT NOT NULL,
        at  TEXT NOT NULL
    );
    -- Conflicts this book was told about: the winning and the losing value, kept.
    CREATE TABLE team_conflict (
        id         INTEGER PRIMARY KEY,
        tbl        TEXT NOT NULL,
        uid        TEXT NOT NULL,
        customer   TEXT,
        winner     TEXT,
        loser      TEXT,
        winner_book TEXT NOT NULL,
        loser_book TEXT NOT NULL,
        winner_at  TEXT NOT NULL,
        loser_at   TEXT NOT NULL
    );
    """,
    # 4 — what the book knows of a company (for comparing customers with their peers) and where an
    # assessment came from: typed by the rep, imported from a file, or an estimate the rep confirmed
    """
    ALTER TABLE customer ADD COLUMN country TEXT;
    ALTER TABLE customer ADD COLUMN employees INTEGER CHECK (employees IS NULL OR employees >= 0);
    ALTER TABLE customer ADD COLUMN annual_revenue INTEGER CHECK (annual_revenue IS NULL OR annual_revenue >= 0);
    ALTER TABLE assessment ADD COLUMN source TEXT NOT NULL DEFAULT 'entered'
        CHECK (source IN ('entered', 'imported', 'confirmed'));
    -- assessments an earlier import wrote carry the file's name as who
    UPDATE assessment SET source = 'imported'
     WHERE lower(who) GLOB '*.csv' OR lower(who) GLOB '*.xlsx' OR lower(who) GLOB '*.tsv' OR lower(who) GLOB '*.txt';
    """,
    # 5 — where each customer is (docs/routes.md): a place imported with the customer, typed by the
    # rep, or found from its town (``looked_up`` is the town it was found from, so a changed town is
    # looked up again; 'none': the town is not in the gazetteer).
    """
    CREATE TABLE place (
        customer_id INTEGER PRIMARY KEY REFERENCES customer (id) ON DELETE CASCADE,
        lat         REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
        lon         REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
        source      TEXT NOT NULL CHECK (source IN ('imported', 'typed', 'town', 'none')),
        looked_up   TEXT
    );
    """,
    # 6 — what the calendar export sent (docs/routes.md): one UID per plan item for good, the
    # SEQUENCE raised whenever the item's day, time, status or title changed since the last export,
    # and items that were removed sent once more as cancelled
    """
    CREATE TABLE calendar_event (
        uid       TEXT PRIMARY KEY,
        item_id   INTEGER UNIQUE REFERENCES plan_item (id) ON DELETE SET NULL,
        day       TEXT NOT NULL,
        sequence  INTEGER NOT NULL DEFAULT 0,
        signature TEXT NOT NULL,
        summary   TEXT NOT NULL,
        cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1))
    );
    CREATE INDEX calendar_event_day ON calendar_event (day);
    """,
    # 7 — merged duplicates (docs/duplicates.md): the customer id a merged-away customer had in the
    # ERP keeps pointing at the customer it was merged into, so a re-import does not bring it back
    """
    CREATE TABLE customer_alias (
        source_id   TEXT PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
        merged      TEXT NOT NULL,
        undo        TEXT NOT NULL   -- JSON: the statements that split the two customers again
    );
    CREATE INDEX customer_alias_customer ON customer_alias (customer_id);
    """,
    # 8 — a place the rep typed or an import brought travels to the team book (docs/team.md): its
    # global id is its customer's, given at the next sync (a place found from the town stays the book's)
    """
    ALTER TABLE place ADD COLUMN uid TEXT;
    CREATE UNIQUE INDEX place_uid ON place (uid);
    """,
    # 9 — a customer merged into another before the book joined its team stays merged in every
    # rep's book (docs/team.md): the alias travels, its global id the merged-away customer id,
    # given at the next sync
    """
    ALTER TABLE customer_alias ADD COLUMN uid TEXT;
    CREATE UNIQUE INDEX customer_alias_uid ON customer_alias (uid);
    """,
    # 10 — the planner reads every customer's last visit or call and latest assessment (store/plan.py):
    # indexes that hold all it reads, in customer order, so the week is planned from the index alone
    """
    CREATE INDEX activity_last_contact ON activity (customer_id, date, kind) WHERE kind IN ('visit', 'call');
    CREATE INDEX assessment_latest ON assessment (customer_id, date, source, budget_per_year);
    """,
    # 11 — each customer's order rhythm as the trend's silent rule reads it (docs/trends.md), so classifying
    # the book does not read every order ever: the last day with an order of positive net, how many such days,
    # twice the median gap between them (and the first order, for the days before it the customer had none).
    # It holds for every as_of on or after last_day. Worked out again (store/trends.py) before a transaction
    # that changed orders commits; what changed is found from the orders added above ``last_order_id`` and,
    # by triggers, the customers whose orders were changed or deleted.
    """
    -- (no foreign key: a customer's rhythm goes with its orders, which the triggers below follow)
    CREATE TABLE order_rhythm (
        customer_id INTEGER PRIMARY KEY,
        first_day   TEXT NOT NULL,   -- the customer's first order row, whatever its amount
        last_day    TEXT,            -- NULL: no order of positive net
        days        INTEGER NOT NULL,
        gap2        INTEGER   -- 2 × the median gap in days (NULL under 3 days)
    );
    -- What the rhythms were worked out from: the orders up to last_order_id, ``orders`` of them,
    -- and how many of those were deleted since (an order added with an id in a gap below
    -- last_order_id shows as a count that does not add up, and no kept rhythm is trusted).
    CREATE TABLE order_rhythm_seen (
        last_order_id INTEGER NOT NULL,
        orders        INTEGER NOT NULL,
        deleted       INTEGER NOT NULL
    );
    INSERT INTO order_rhythm_seen VALUES (0, 0, 0);
    CREATE TABLE order_rhythm_stale (customer_id INTEGER PRIMARY KEY);
    -- (no OR IGNORE in them: an upsert's ON CONFLICT would override it)
    CREATE TRIGGER order_rhythm_delete AFTER DELETE ON "order" BEGIN
        INSERT INTO order_rhythm_stale SELECT OLD.customer_id
         WHERE NOT EXISTS (SELECT 1 FROM order_rhythm_stale WHERE customer_id = OLD.customer_id);
        -- the mark comes down to the newest order left, so an order added next (with the id
        -- just freed) is above it
        UPDATE order_rhythm_seen SET deleted = deleted + (OLD.id <= last_order_id),
               last_order_id = min(last_order_id, (SELECT ifnull(max(id), 0) FROM "order"));
    END;
    CREATE TRIGGER order_rhythm_update AFTER UPDATE OF id, customer_id, order_key, date, amount ON "order" BEGIN
        INSERT INTO order_rhythm_stale SELECT OLD.customer_id
         WHERE NOT EXISTS (SELECT 1 FROM order_rhythm_stale WHERE customer_id = OLD.customer_id);
        INSERT INTO order_rhythm_stale SELECT NEW.customer_id
         WHERE NOT EXISTS (SELECT 1 FROM order_rhythm_stale WHERE customer_id = NEW.customer_id);
    END;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)

# Every table of a book at SCHEMA_VERSION and its columns: a file that lacks one is not a whole
# book, and is refused before anything is written (store/book.py). A migration that adds a table
# or a column may add it here; tests/test_foreign_books.py checks that a new book has all of these.
TABLES: dict[str, tuple[str, ...]] = {
    "setting": ("key", "value"),
    "customer": (
        "id", "source_id", "name", "org_number", "industry", "city", "postcode", "address", "owner",
        "created", "archived", "crm_id", "uid", "country", "employees", "annual_revenue",
    ),
    "contact": ("id", "customer_id", "name", "role", "phone", "email", "is_primary", "uid"),
    "order": ("id", "customer_id", "order_ref", "order_key", "date", "amount", "currency", "uid"),
    "assessment": (
        "id", "customer_id", "date", "who", "budget_per_year", "loyalty_override", "confidence", "note",
        "uid", "source",
    ),
    "checklist_answer": ("customer_id", "question_key", "answer", "note", "date", "uid"),
    "qualification": ("customer_id", "pain", "money", "timing", "parked_reason", "date", "uid"),
    "buying_behaviour": ("customer_id", "focus", "custom", "collaborate", "date", "uid"),
    "competitor_contract": ("id", "customer_id", "competitor", "ends_on", "note", "uid"),
    "activity": ("id", "customer_id", "date", "kind", "outcome", "note", "uid"),
    "plan_item": ("id", "customer_id", "day", "kind", "status", "reason", "manual", "activity_id", "uid"),
    "note": ("id", "customer_id", "date", "text", "uid"),
    "team_state": ("key", "value"),
    "team_change": ("seq", "tbl", "uid", "at"),
    "team_conflict": (
        "id", "tbl", "uid", "customer", "winner", "loser", "winner_book", "loser_book", "winner_at",
        "loser_at",
    ),
    "place": ("customer_id", "lat", "lon", "source", "looked_up", "uid"),
    "calendar_event": ("uid", "item_id", "day", "sequence", "signature", "summary", "cancelled"),
    "customer_alias": ("source_id", "customer_id", "merged", "undo"),
    "order_rhythm": ("customer_id", "first_day", "last_day", "days", "gap2"),
    "order_rhythm_seen": ("last_order_id", "orders", "deleted"),
    "order_rhythm_stale": ("customer_id",),
}
