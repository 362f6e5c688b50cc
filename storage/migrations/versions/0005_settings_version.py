"""settings version on communities; joins the feature branches

Revision ID: 0005_settings_version
Revises: 0002_events, 0003_ledger, 0004_badges
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_settings_version"
down_revision = ("0002_events", "0003_ledger", "0004_badges")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("communities") as batch:
        batch.add_column(
            sa.Column("settings_version", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("communities") as batch:
        batch.drop_column("settings_version")
