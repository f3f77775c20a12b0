"""Zalo for a national deployment: bot quotas, OA tokens and inbox, officers' phones for ZNS

Revision ID: 0007_i19zalo
Revises: 0006_trustpii
Create Date: 2026-12-03

Zalo Bot Platform bots have a monthly message allowance and ZNS a daily one: channel_quota
counts sends per bot and period. The Official Account's single-use refresh token lives in
oa_token, sealed under the data key. oa_inbox holds webhook events accepted fast and
handled later (msg_id dedupes); oa_contact each user's last interaction (48 h / 7 days).
person_contact: an officer's sealed phone, her consent to messages by phone (ZNS) and her
preferred channel. folded_reminder: reminders held back by a bot's quota, for the digest.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_i19zalo'
down_revision: str | None = '0006_trustpii'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'channel_quota',
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('bot_id', sa.String(length=64), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('sent', sa.Integer(), nullable=False),
        sa.Column('failed', sa.Integer(), nullable=False),
        sa.Column('quota', sa.Integer(), nullable=True),
        sa.Column('remaining', sa.Integer(), nullable=True),
        sa.Column('warned', sa.Integer(), nullable=False),
        sa.Column('updated_at', _AT, nullable=False),
        sa.PrimaryKeyConstraint('channel', 'bot_id', 'period', name=op.f('pk_channel_quota')),
    )
    op.create_table(
        'oa_token',
        sa.Column('oa_id', sa.String(length=64), nullable=False),
        sa.Column('access_enc', sa.LargeBinary(), nullable=False),
        sa.Column('refresh_enc', sa.LargeBinary(), nullable=False),
        sa.Column('access_expires_at', _AT, nullable=False),
        sa.Column('refreshed_at', _AT, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('failed_at', _AT, nullable=True),
        sa.Column('failure', sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint('oa_id', name=op.f('pk_oa_token')),
    )
    op.create_table(
        'oa_inbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('oa_id', sa.String(length=64), nullable=False),
        sa.Column('body', sa.JSON(), nullable=False),
        sa.Column('received_at', _AT, nullable=False),
        sa.Column('claimed_at', _AT, nullable=True),
        sa.Column('done_at', _AT, nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oa_inbox')),
        sa.UniqueConstraint('key', name=op.f('uq_oa_inbox_key')),
    )
    op.create_index(op.f('ix_oa_inbox_done_at'), 'oa_inbox', ['done_at'], unique=False)
    op.create_table(
        'oa_contact',
        sa.Column('oa_id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('last_interaction_at', _AT, nullable=False),
        sa.PrimaryKeyConstraint('oa_id', 'user_id', name=op.f('pk_oa_contact')),
    )
    op.create_table(
        'person_contact',
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('phone_enc', sa.LargeBinary(), nullable=True),
        sa.Column('phone_index', sa.String(length=64), nullable=True),
        sa.Column('phone_consent_at', _AT, nullable=True),
        sa.Column('phone_consent_withdrawn_at', _AT, nullable=True),
        sa.Column('preferred', sa.String(length=16), nullable=True),
        sa.Column('updated_at', _AT, nullable=False),
        sa.ForeignKeyConstraint(
            ['person_id'], ['person.id'], name=op.f('fk_person_contact_person_id_person')
        ),
        sa.PrimaryKeyConstraint('person_id', name=op.f('pk_person_contact')),
    )
    op.create_index(
        op.f('ix_person_contact_phone_index'), 'person_contact', ['phone_index'], unique=False
    )
    op.create_table(
        'folded_reminder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('outbox_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('folded_at', _AT, nullable=False),
        sa.Column('digested_at', _AT, nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_folded_reminder')),
        sa.UniqueConstraint('outbox_id', name=op.f('uq_folded_reminder_outbox_id')),
    )
    op.create_index(
        op.f('ix_folded_reminder_unit_id'), 'folded_reminder', ['unit_id'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_folded_reminder_unit_id'), table_name='folded_reminder')
    op.drop_table('folded_reminder')
    op.drop_index(op.f('ix_person_contact_phone_index'), table_name='person_contact')
    op.drop_table('person_contact')
    op.drop_table('oa_contact')
    op.drop_index(op.f('ix_oa_inbox_done_at'), table_name='oa_inbox')
    op.drop_table('oa_inbox')
    op.drop_table('oa_token')
    op.drop_table('channel_quota')
