"""reports: member tallies kept by triggers, and indexes for roll-ups

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

member_tally holds, for each registered day (member_tally_day), every unit's members and
cumulative `joined` events at the end of that day. Triggers on member_event add or
subtract each inserted, deleted or updated event for every registered day on or after it,
so a tally never drifts from a recount of the events (tests/reports/test_tally.py).
The event weights below must match storage/repositories/member_counts.py (ENTERS / LEAVES).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _delta(kind: str) -> str:
    return (
        f"CASE WHEN {kind} IN ('joined', 'moved_in') THEN 1 "
        f"WHEN {kind} IN ('moved_out', 'left', 'died') THEN -1 ELSE 0 END"
    )


def _joined(kind: str) -> str:
    return f"CASE WHEN {kind} = 'joined' THEN 1 ELSE 0 END"


# PostgreSQL: one statement-level trigger per operation with transition tables, so a
# COPY of millions of events costs one grouped upsert, not one per row.
_PG_SOURCES = {
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


def _pg_function(op_name: str) -> str:
    return f"""
CREATE FUNCTION member_tally_{op_name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO member_tally (on_day, unit_id, members, joined)
  SELECT d.on_day, c.unit_id, sum(c.sign * ({_delta('c.kind')})),
         sum(c.sign * ({_joined('c.kind')}))
  FROM ({_PG_SOURCES[op_name]}) AS c
  JOIN member_tally_day AS d ON d.on_day >= c.occurred_on
  GROUP BY d.on_day, c.unit_id
  ON CONFLICT (on_day, unit_id) DO UPDATE
    SET members = member_tally.members + EXCLUDED.members,
        joined = member_tally.joined + EXCLUDED.joined;
  RETURN NULL;
END $$;
"""


def _sqlite_add(row: str, sign: str) -> str:
    return f"""
  INSERT INTO member_tally (on_day, unit_id, members, joined)
  SELECT d.on_day, {row}.unit_id, {sign}({_delta(row + '.kind')}), {sign}({_joined(row + '.kind')})
  FROM member_tally_day AS d WHERE d.on_day >= {row}.occurred_on
  ON CONFLICT (on_day, unit_id) DO UPDATE
    SET members = members + excluded.members, joined = joined + excluded.joined;"""


_SQLITE_TRIGGERS = {
    "insert": ("AFTER INSERT", _sqlite_add("NEW", "")),
    "delete": ("AFTER DELETE", _sqlite_add("OLD", "-")),
    "update": (
        "AFTER UPDATE OF kind, occurred_on, unit_id",
        _sqlite_add("OLD", "-") + _sqlite_add("NEW", ""),
    ),
}


def upgrade() -> None:
    op.create_table('member_tally_day',
    sa.Column('on_day', sa.Date(), nullable=False),
    sa.Column('built_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('on_day', name=op.f('pk_member_tally_day'))
    )
    op.create_table('member_tally',
    sa.Column('on_day', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('joined', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_member_tally_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('on_day', 'unit_id', name=op.f('pk_member_tally'))
    )
    with op.batch_alter_table('member_event', schema=None) as batch_op:
        batch_op.create_index('ix_member_event_occurred_on', ['occurred_on'], unique=False)
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_held_on', ['held_on'], unique=False)
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index('ix_review_period', ['period'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        for name, referencing in _PG_REFERENCING.items():
            op.execute(_pg_function(name))
            op.execute(
                f"CREATE TRIGGER member_tally_{name} AFTER {name.upper()} ON member_event "
                f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION member_tally_{name}()"
            )
    else:
        for name, (when, body) in _SQLITE_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER member_tally_{name} {when} ON member_event "
                f"FOR EACH ROW BEGIN {body}\nEND"
            )


def downgrade() -> None:
    for name in _PG_REFERENCING:
        op.execute(f"DROP TRIGGER IF EXISTS member_tally_{name}" + (
            " ON member_event" if op.get_bind().dialect.name == "postgresql" else ""
        ))
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS member_tally_{name}()")
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index('ix_review_period')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_held_on')
    with op.batch_alter_table('member_event', schema=None) as batch_op:
        batch_op.drop_index('ix_member_event_occurred_on')
    op.drop_table('member_tally')
    op.drop_table('member_tally_day')
