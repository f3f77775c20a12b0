"""key check: the database knows which data key its sealed ID numbers open with

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

A wrong CHIHOI_DATA_KEY used to start normally and then fail member by member, defeat the
nationwide CCCD duplicate check and seal new rows under a second key. The check value
(an HMAC under the blind-index key) is compared at start; `chihoi keys rotate` keeps its
progress here so a killed rotation resumes.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'key_check',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('check', sa.String(length=64), nullable=False),
        sa.Column('next_check', sa.String(length=64), nullable=True),
        sa.Column('rotated_through', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_key_check')),
    )


def downgrade() -> None:
    op.drop_table('key_check')
