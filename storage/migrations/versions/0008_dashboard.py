"""officers' web dashboard: sign-in links, browser sessions, official unit codes and positions

Revision ID: 0008_dashboard
Revises: 0007_i19zalo
Create Date: 2026-12-03

Issue 18. A sign-in link and a session are kept only as the SHA-256 of their random token,
so a copy of the database opens no browser session. Official codes and coordinates of
provinces and communes (vietnamadminunits) sit in their own table beside org_unit.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_dashboard'
down_revision: str | None = '0007_i19zalo'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = sa.DateTime(timezone=True)


def _person_table(name: str, *extra: sa.Column) -> None:  # type: ignore[type-arg]
    op.create_table(
        name,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('created_at', _UTC, nullable=False),
        *extra,
        sa.ForeignKeyConstraint(
            ['person_id'], ['person.id'], name=op.f(f'fk_{name}_person_id_person')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
        sa.UniqueConstraint('token_hash', name=op.f(f'uq_{name}_token_hash')),
    )
    op.create_index(op.f(f'ix_{name}_person_id'), name, ['person_id'], unique=False)


def upgrade() -> None:
    _person_table(
        'dashboard_link',
        sa.Column('expires_at', _UTC, nullable=False),
        sa.Column('used_at', _UTC, nullable=True),
    )
    _person_table(
        'dashboard_session',
        sa.Column('last_seen_at', _UTC, nullable=False),
        sa.Column('ended_at', _UTC, nullable=True),
    )
    op.create_table(
        'unit_official',
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('official_code', sa.String(length=16), nullable=False),
        sa.Column('lat', sa.Float(), nullable=True),
        sa.Column('lon', sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ['unit_id'], ['org_unit.id'], name=op.f('fk_unit_official_unit_id_org_unit')
        ),
        sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_unit_official')),
        sa.UniqueConstraint('official_code', name=op.f('uq_unit_official_official_code')),
    )


def downgrade() -> None:
    op.drop_table('unit_official')
    for name in ('dashboard_session', 'dashboard_link'):
        op.drop_index(op.f(f'ix_{name}_person_id'), table_name=name)
        op.drop_table(name)
