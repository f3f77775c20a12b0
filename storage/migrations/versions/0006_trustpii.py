"""member phones sealed at rest like ID numbers; the unused person.phone dropped

Revision ID: 0006_trustpii
Revises: 0005
Create Date: 2026-12-03

A member's phone was stored in clear: anyone holding the database file read every phone.
It is now AES-GCM sealed under the data key (its own AAD) with an HMAC blind index for
equal-phone checks. Existing clear phones are sealed here with the configured key
(CHIHOI_DATA_KEY, or the demo key beside the database); with no key the migration refuses
rather than keep or lose them. person.phone was never filled: dropped.
"""
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from storage import crypto
from storage.db import VACUUM_AFTER

revision: str = '0006_trustpii'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 2000


def _keys(clear_rows: bool) -> crypto.DataKeys | None:
    """The configured key, after checking it is the key this database was sealed with."""
    bind = op.get_bind()
    try:
        found = crypto.keys()
    except crypto.KeyMissing:
        url = bind.engine.url.render_as_string(hide_password=False)
        try:
            found = crypto.derive(crypto.load_secret(crypto.key_file_for(url)))
        except crypto.KeyMissing:
            if clear_rows:
                raise crypto.KeyMissing(
                    "migration 0006 must seal the member phones stored in clear: "
                    "set CHIHOI_DATA_KEY (the key of this database) and run it again"
                ) from None
            return None
    check = bind.execute(sa.text('SELECT "check" FROM key_check WHERE id = 1')).scalar()
    wrong = crypto.KeyMismatch(
        "migration 0006: CHIHOI_DATA_KEY is not the key this database was sealed with"
    )
    if check is not None and check != crypto.check_value(found):
        raise wrong
    if check is None:  # not yet checked at a start: the sealed ID numbers must open with it
        blob = bind.execute(
            sa.text("SELECT cccd_enc FROM member WHERE cccd_enc IS NOT NULL LIMIT 1")
        ).scalar()
        if blob is not None:
            try:
                crypto.decrypt_id(bytes(blob), found)
            except crypto.KeyMismatch:
                raise wrong from None
    return found


def _move(source: str, convert: Callable[[Any], dict[str, Any]]) -> None:
    """Rewrite member.<source> into member.<target> in id-ordered batches."""
    bind = op.get_bind()
    after = 0
    while True:
        rows = bind.execute(
            sa.text(
                f"SELECT id, {source} FROM member WHERE {source} IS NOT NULL AND id > :after "
                "ORDER BY id LIMIT :n"
            ),
            {"after": after, "n": _BATCH},
        ).all()
        if not rows:
            return
        values = [dict(id=mid, **convert(value)) for mid, value in rows]
        sets = ", ".join(f"{k} = :{k}" for k in values[0] if k != "id")
        bind.execute(sa.text(f"UPDATE member SET {sets} WHERE id = :id"), values)
        after = rows[-1][0]


def _drop(table: str, column: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops an unindexed column in place; a batch copy would rebuild the
        # member table and its partial index for one column.
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def upgrade() -> None:
    op.add_column('member', sa.Column('phone_enc', sa.LargeBinary(), nullable=True))
    op.add_column('member', sa.Column('phone_index', sa.String(length=64), nullable=True))
    op.create_index(op.f('ix_member_phone_index'), 'member', ['phone_index'], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # Cells freed by the rewrite are zeroed; what older writes left in free space is
        # cleared by the VACUUM db.upgrade runs after this transaction (VACUUM_AFTER).
        op.execute("PRAGMA secure_delete = ON")
    clear = bind.execute(sa.text("SELECT 1 FROM member WHERE phone IS NOT NULL LIMIT 1")).scalar()
    if clear is not None:
        k = _keys(True)
        assert k is not None
        _move(
            "phone",
            lambda p: {
                "phone_enc": crypto.encrypt_phone(p, k),
                "phone_index": crypto.phone_index(p, k),
            },
        )
        context.config.attributes[VACUUM_AFTER] = True
    _drop('member', 'phone')
    _drop('person', 'phone')


def downgrade() -> None:
    op.add_column('person', sa.Column('phone', sa.String(length=20), nullable=True))
    op.add_column('member', sa.Column('phone', sa.String(length=20), nullable=True))
    bind = op.get_bind()
    sealed = bind.execute(
        sa.text("SELECT 1 FROM member WHERE phone_enc IS NOT NULL LIMIT 1")
    ).scalar()
    if sealed is not None:
        k = _keys(True)
        assert k is not None
        _move("phone_enc", lambda b: {"phone": crypto.decrypt_phone(bytes(b), k)})
    op.drop_index(op.f('ix_member_phone_index'), table_name='member')
    _drop('member', 'phone_index')
    _drop('member', 'phone_enc')
