"""figures a commune chair can sign: joining dates, residence, meeting form and leader,
aggregate counts, stated roster totals, targets per unit and period

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03

Issue 13. A member's joining date may be unknown (a member from before records began:
her `joined` event is dated 1900-01-01, bot.domain.calendar.RECORDS_BEGAN, so she is
counted in every total and never as new). Meetings get a form (direct / indirect) apart
from their kind: the old kind `online` becomes a regular meeting held indirectly, which
counts toward compliance as 000 §III.2.3 reads.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = sa.DateTime(timezone=True)


_NOT_RESIDENT = "residence IN ('temporary_short', 'away')"


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.alter_column("joined_on", existing_type=sa.Date(), nullable=True)
        batch_op.add_column(
            sa.Column("joined_approx", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "residence",
                _enum("permanent", "temporary_long", "temporary_short", "away", name="residence"),
                server_default="permanent",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("away_since", sa.Date(), nullable=True))
    # members the coverage numerator leaves out, counted per branch without a full scan
    op.create_index(
        "ix_member_not_resident",
        "member",
        ["branch_id"],
        postgresql_where=sa.text(_NOT_RESIDENT),
        sqlite_where=sa.text(_NOT_RESIDENT),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "form",
                _enum("direct", "indirect", name="meetingform"),
                server_default="direct",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("leader_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_meeting_leader_id_person"), "person", ["leader_id"], ["id"]
        )
    op.execute("UPDATE meeting SET form = 'indirect', kind = 'regular' WHERE kind = 'online'")
    op.create_table(
        "unit_aggregate",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            _enum("trade_union", "armed_forces", "member_org", "club_only", name="aggregatekind"),
            nullable=False,
        ),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("entered_at", _UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["person.id"], name=op.f("fk_unit_aggregate_entered_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_unit_aggregate_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("unit_id", "kind", "as_of", name=op.f("pk_unit_aggregate")),
    )
    op.create_table(
        "roster_total",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("entered_at", _UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["person.id"], name=op.f("fk_roster_total_entered_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_roster_total_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("unit_id", "as_of", name=op.f("pk_roster_total")),
    )
    op.create_table(
        "unit_target",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "measure",
            _enum("coverage", "new_members", "growth", name="targetmeasure"),
            nullable=False,
        ),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("set_at", _UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["set_by"], ["person.id"], name=op.f("fk_unit_target_set_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_unit_target_unit_id_org_unit")
        ),
        sa.PrimaryKeyConstraint("unit_id", "measure", "period", name=op.f("pk_unit_target")),
    )


def downgrade() -> None:
    op.drop_table("unit_target")
    op.drop_table("roster_total")
    op.drop_table("unit_aggregate")
    op.execute("UPDATE meeting SET kind = 'online' WHERE form = 'indirect' AND kind = 'regular'")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_meeting_leader_id_person"), type_="foreignkey")
        batch_op.drop_column("leader_id")
        batch_op.drop_column("form")
    op.drop_index("ix_member_not_resident", table_name="member")
    op.execute("UPDATE member SET joined_on = '1900-01-01' WHERE joined_on IS NULL")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("away_since")
        batch_op.drop_column("residence")
        batch_op.drop_column("joined_approx")
        batch_op.alter_column("joined_on", existing_type=sa.Date(), nullable=False)
