"""meeting figures: each counted meeting's attendance-rate denominator, kept by triggers

Revision ID: 0012_tallies
Revises: 0011_core_index
Create Date: 2026-12-03

Issue 20 item 4. meeting_figure holds one row per current meeting a report counts (regular,
or attended by a commune leader) with its unit's members at the end of its day: `entered`
(member events through that day) and `stated` (the latest roster total on or before it).
Triggers keep it exact in the writing transaction:
- meeting insert / update / delete: the row is (re)computed or removed (an edit supersedes
  the old row, which then leaves);
- member_event insert / update / delete: `entered` of the unit's meetings on or after the
  event's day moves by the event's weight (a late event with an earlier day included);
- roster_total insert / update / delete: `stated` of the unit's meetings on or after that
  day is read again.
On PostgreSQL the meeting and event triggers are per statement (a COPY costs one grouped
statement) and take an advisory lock per unit bucket before reading, so two transactions
writing a meeting and an event of one unit cannot each miss the other's row.

org_version holds a random token drawn anew by a trigger on every change to org_unit, so
a report process may keep a big subtree's units and their layout between reports and knows
when to read them again.

Existing data: built here when the database holds few meetings (seconds); a big one is left
to `chihoi report tally --rebuild` (resumable, with progress: a national build is minutes in
one transaction here, and a kill would lose all of it), and reports recount until it is done
(a figure_rebuild row marks that). The event weights match storage/repositories/
member_counts.py (ENTERS / LEAVES), like migration 0002's.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = '0012_tallies'
down_revision: str | None = '0011_core_index'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUILD_HERE = 100_000  # meetings; above this the rebuild command builds them
LOCK_CLASS = 2011  # advisory lock class of the meeting figures (PostgreSQL)
LOCK_BUCKETS = 1024  # units share lock buckets: bounded locks for a bulk statement

COUNTING = "('joined', 'moved_in', 'moved_out', 'left', 'died')"


def _delta(kind: str) -> str:
    return (
        f"CASE WHEN {kind} IN ('joined', 'moved_in') THEN 1 "
        f"WHEN {kind} IN ('moved_out', 'left', 'died') THEN -1 ELSE 0 END"
    )


def _counts(row: str) -> str:
    """The meeting row belongs in meeting_figure."""
    return (
        f"{row}.superseded_by IS NULL AND ({row}.kind = 'regular' OR {row}.leader_present)"
    )


def _figure_values(row: str) -> str:
    """The meeting_figure columns of meeting row `row`, as a select list."""
    return f"""{row}.id, {row}.unit_id, {row}.held_on,
    CASE WHEN {row}.kind = 'regular' THEN 1 ELSE 0 END,
    CASE WHEN {row}.leader_present THEN 1 ELSE 0 END,
    {row}.present_count,
    COALESCE((SELECT sum({_delta('e.kind')}) FROM member_event AS e
              WHERE e.unit_id = {row}.unit_id AND e.occurred_on <= {row}.held_on
                AND e.kind IN {COUNTING}), 0),
    COALESCE((SELECT r.total FROM roster_total AS r
              WHERE r.unit_id = {row}.unit_id AND r.as_of <= {row}.held_on
              ORDER BY r.as_of DESC LIMIT 1), 0)"""


_COLUMNS = "meeting_id, unit_id, held_on, counted, visited, present, entered, stated"


def _restate(unit: str, day: str) -> str:
    """Read `stated` again for the unit's meetings from `day` on."""
    return f"""
  UPDATE meeting_figure SET stated = COALESCE((
      SELECT r.total FROM roster_total AS r
      WHERE r.unit_id = meeting_figure.unit_id AND r.as_of <= meeting_figure.held_on
      ORDER BY r.as_of DESC LIMIT 1), 0)
  WHERE unit_id = {unit} AND held_on >= {day};"""


# --- SQLite: row triggers ------------------------------------------------------------------


def _sqlite_insert(row: str) -> str:
    return f"""
  INSERT INTO meeting_figure ({_COLUMNS}) SELECT {_figure_values(row)} WHERE {_counts(row)};"""


def _sqlite_move(row: str, sign: str) -> str:
    return f"""
  UPDATE meeting_figure SET entered = entered {sign} ({_delta(row + '.kind')})
  WHERE unit_id = {row}.unit_id AND held_on >= {row}.occurred_on;"""


_SQLITE_TRIGGERS = {
    "meeting_figure_meeting_insert": ("AFTER INSERT ON meeting", _sqlite_insert("NEW")),
    "meeting_figure_meeting_update": (
        "AFTER UPDATE ON meeting",
        "\n  DELETE FROM meeting_figure WHERE meeting_id = OLD.id;" + _sqlite_insert("NEW"),
    ),
    "meeting_figure_meeting_delete": (
        "AFTER DELETE ON meeting",
        "\n  DELETE FROM meeting_figure WHERE meeting_id = OLD.id;",
    ),
    "meeting_figure_event_insert": (
        f"AFTER INSERT ON member_event FOR EACH ROW WHEN NEW.kind IN {COUNTING}",
        _sqlite_move("NEW", "+"),
    ),
    "meeting_figure_event_delete": (
        f"AFTER DELETE ON member_event FOR EACH ROW WHEN OLD.kind IN {COUNTING}",
        _sqlite_move("OLD", "-"),
    ),
    "meeting_figure_event_update": (
        "AFTER UPDATE OF kind, occurred_on, unit_id ON member_event",
        _sqlite_move("OLD", "-") + _sqlite_move("NEW", "+"),
    ),
    "meeting_figure_roster_insert": (
        "AFTER INSERT ON roster_total",
        _restate("NEW.unit_id", "NEW.as_of"),
    ),
    "meeting_figure_roster_update": (
        "AFTER UPDATE ON roster_total",
        _restate("OLD.unit_id", "OLD.as_of") + _restate("NEW.unit_id", "NEW.as_of"),
    ),
    "meeting_figure_roster_delete": (
        "AFTER DELETE ON roster_total",
        _restate("OLD.unit_id", "OLD.as_of"),
    ),
}


# --- PostgreSQL: statement triggers with transition tables ---------------------------------


def _pg_lock(source: str) -> str:
    """Lock the buckets of the units in `source` (a query with unit_id), in one order."""
    return f"""
  PERFORM pg_advisory_xact_lock({LOCK_CLASS}, b.bucket)
  FROM (SELECT DISTINCT unit_id % {LOCK_BUCKETS} AS bucket FROM ({source}) AS s
        ORDER BY 1) AS b;"""


_PG_EVENT_SOURCES = {
    "insert": "SELECT unit_id, occurred_on, kind, 1 AS sign FROM new_rows",
    "delete": "SELECT unit_id, occurred_on, kind, -1 AS sign FROM old_rows",
    "update": (
        "SELECT unit_id, occurred_on, kind, -1 AS sign FROM old_rows "
        "UNION ALL SELECT unit_id, occurred_on, kind, 1 AS sign FROM new_rows"
    ),
}
_PG_REFERENCING = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


def _pg_event_body(op_name: str) -> str:
    source = _PG_EVENT_SOURCES[op_name]
    return _pg_lock(source) + f"""
  UPDATE meeting_figure AS f SET entered = f.entered + d.n
  FROM (SELECT f2.meeting_id, sum(c.n) AS n
        FROM (SELECT unit_id, occurred_on, sum(sign * ({_delta('kind')})) AS n
              FROM ({source}) AS x WHERE kind IN {COUNTING}
              GROUP BY unit_id, occurred_on) AS c
        JOIN meeting_figure AS f2 ON f2.unit_id = c.unit_id AND f2.held_on >= c.occurred_on
        WHERE c.n <> 0
        GROUP BY f2.meeting_id) AS d
  WHERE f.meeting_id = d.meeting_id AND d.n <> 0;"""


def _pg_meeting_body(op_name: str) -> str:
    body = ""
    if op_name in ("update", "delete"):
        body += """
  DELETE FROM meeting_figure AS f USING old_rows AS o WHERE f.meeting_id = o.id;"""
    if op_name in ("insert", "update"):
        body += _pg_lock("SELECT unit_id FROM new_rows") + f"""
  INSERT INTO meeting_figure ({_COLUMNS})
  SELECT {_figure_values('n')} FROM new_rows AS n WHERE {_counts('n')};"""
    return body


def _pg_function(name: str, body: str) -> str:
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN{body}
  RETURN NULL;
END $$;
"""


_PG_ROSTER = f"""
CREATE FUNCTION meeting_figure_roster() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_advisory_xact_lock({LOCK_CLASS}, OLD.unit_id % {LOCK_BUCKETS});{_restate('OLD.unit_id', 'OLD.as_of')}
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_advisory_xact_lock({LOCK_CLASS}, NEW.unit_id % {LOCK_BUCKETS});{_restate('NEW.unit_id', 'NEW.as_of')}
  END IF;
  RETURN NULL;
END $$;
"""


def _pg_triggers() -> list[str]:
    out = []
    for table, body_of in (("meeting", _pg_meeting_body), ("member_event", _pg_event_body)):
        short = "event" if table == "member_event" else table
        for op_name, referencing in _PG_REFERENCING.items():
            name = f"meeting_figure_{short}_{op_name}"
            out.append(_pg_function(name, body_of(op_name)))
            out.append(
                f"CREATE TRIGGER {name} AFTER {op_name.upper()} ON {table} {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
    out.append(_PG_ROSTER)
    out.append(
        "CREATE TRIGGER meeting_figure_roster AFTER INSERT OR UPDATE OR DELETE ON roster_total "
        "FOR EACH ROW EXECUTE FUNCTION meeting_figure_roster()"
    )
    return out


_NEW_TOKEN = {
    "postgresql": "(random() * 9.2e18)::bigint",
    "sqlite": "random()",
}


def _org_version(dialect: str) -> list[str]:
    """A trigger drawing a new org_version token on any change to org_unit."""
    upsert = (
        f"INSERT INTO org_version (id, token) VALUES (1, {_NEW_TOKEN[dialect]}) "
        "ON CONFLICT (id) DO UPDATE SET token = excluded.token;"
    )
    if dialect == "postgresql":
        return [
            f"CREATE FUNCTION org_version_draw() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n  {upsert}\n  RETURN NULL;\nEND $$;",
            "CREATE TRIGGER org_version_draw AFTER INSERT OR UPDATE OR DELETE ON org_unit "
            "FOR EACH STATEMENT EXECUTE FUNCTION org_version_draw()",
        ]
    return [
        f"CREATE TRIGGER org_version_{op_name} AFTER {op_name.upper()} ON org_unit "
        f"FOR EACH ROW BEGIN {upsert} END"
        for op_name in ("insert", "update", "delete")
    ]


def _build_existing() -> None:
    """Build the figures of the meetings already there, or leave them to the rebuild."""
    bind = op.get_bind()
    meetings = bind.execute(sa.text("SELECT count(*) FROM meeting")).scalar_one()
    if not meetings:
        return
    if meetings > BUILD_HERE:
        bind.execute(
            sa.text(
                "INSERT INTO figure_rebuild (name, next_unit, started_at) "
                "VALUES ('meetings', NULL, CURRENT_TIMESTAMP)"
            )
        )
        print(
            f"meeting figures: {meetings:,} meetings; reports recount them until "
            "`chihoi report tally --rebuild` has built them"
        )
        return
    # The same statement the rebuild runs per batch of units, here over every unit.
    from storage.repositories.meeting_figures import build_statement

    bind.execute(build_statement(None, None))


def upgrade() -> None:
    op.create_table('meeting_figure',
    sa.Column('meeting_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('counted', sa.SmallInteger(), nullable=False),
    sa.Column('visited', sa.SmallInteger(), nullable=False),
    sa.Column('present', sa.Integer(), nullable=False),
    sa.Column('entered', sa.Integer(), nullable=False),
    sa.Column('stated', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('meeting_id', name=op.f('pk_meeting_figure'))
    )
    with op.batch_alter_table('meeting_figure', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_figure_held', ['held_on'], unique=False)
        batch_op.create_index('ix_meeting_figure_unit_held', ['unit_id', 'held_on'], unique=False)
    op.create_table('figure_rebuild',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('next_unit', sa.Integer(), nullable=True),
    sa.Column('started_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_figure_rebuild'))
    )
    op.create_table('org_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('token', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_version'))
    )
    dialect = op.get_bind().dialect.name
    for statement in _org_version(dialect):
        op.execute(statement)
    op.execute(f"INSERT INTO org_version (id, token) VALUES (1, {_NEW_TOKEN[dialect]})")
    if dialect == "postgresql":
        for statement in _pg_triggers():
            op.execute(statement)
    else:
        for name, (when, body) in _SQLITE_TRIGGERS.items():
            if "FOR EACH ROW" not in when:
                when += " FOR EACH ROW"
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN{body}\nEND")
    _build_existing()


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    if pg:
        op.execute("DROP TRIGGER IF EXISTS org_version_draw ON org_unit")
        op.execute("DROP FUNCTION IF EXISTS org_version_draw()")
    else:
        for op_name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS org_version_{op_name}")
    op.drop_table('org_version')
    if pg:
        op.execute("DROP TRIGGER IF EXISTS meeting_figure_roster ON roster_total")
        op.execute("DROP FUNCTION IF EXISTS meeting_figure_roster()")
        for table, short in (("meeting", "meeting"), ("member_event", "event")):
            for op_name in _PG_REFERENCING:
                name = f"meeting_figure_{short}_{op_name}"
                op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('figure_rebuild')
    with op.batch_alter_table('meeting_figure', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_figure_unit_held')
        batch_op.drop_index('ix_meeting_figure_held')
    op.drop_table('meeting_figure')
