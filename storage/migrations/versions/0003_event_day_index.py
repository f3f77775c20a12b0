"""reports: a covering index on member events by day, unit and kind

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

The meeting-day member counts of a national report read every event of the period (about
half a million rows scattered over the whole table); with day, unit and kind in one index
PostgreSQL reads them from the index alone instead of visiting ~170,000 table pages.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('member_event', schema=None) as batch_op:
        batch_op.create_index(
            'ix_member_event_on_unit_kind', ['occurred_on', 'unit_id', 'kind'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('member_event', schema=None) as batch_op:
        batch_op.drop_index('ix_member_event_on_unit_kind')
