"""The team-week summary (team_weeks): each team's weekly sums of each metric, from its own rows
and its people's, kept by the signals writer; filled here from the signals already stored.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 09:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# week 0 starts on Monday 5 January 1970 (domain/sensing/weeks.py): 4 days after the Unix epoch
_EPOCH_DAYS = 4
_WEEK = {
    'sqlite': f"CAST((julianday(s.observed_at) - {2440587.5 + _EPOCH_DAYS}) / 7 AS INTEGER)",
    'postgresql': (f"CAST(floor((CAST(extract(epoch FROM s.observed_at) AS double precision)"
                   f" - {_EPOCH_DAYS * 86400}) / 604800) AS INTEGER)"),
}
_SUMS = ("SUM(s.value * COALESCE(s.volume, 1.0)), SUM(COALESCE(s.volume, 1.0)), "
         "SUM(s.volume), COUNT(*)")


def upgrade() -> None:
    op.create_table('team_weeks',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=128), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=16), nullable=False),
    sa.Column('week', sa.Integer(), nullable=False),
    sa.Column('weighted', sa.Float(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('volume', sa.Float(), nullable=True),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_team_weeks_organisation_id_organisations'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_weeks_team_id_teams'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'metric', 'team_id', 'subject_type', 'week',
                            name=op.f('pk_team_weeks'))
    )
    week = _WEEK[op.get_bind().dialect.name]
    columns = ("organisation_id, metric, team_id, subject_type, week, weighted, weight, "
               "volume, row_count")
    op.execute(
        f"INSERT INTO team_weeks ({columns}) "
        f"SELECT s.organisation_id, s.metric, p.team_id, 'person', {week}, {_SUMS} "
        f"FROM signals AS s JOIN people AS p ON p.id = s.subject_id "
        f"WHERE s.subject_type = 'person' "
        f"GROUP BY s.organisation_id, s.metric, p.team_id, {week}")
    op.execute(
        f"INSERT INTO team_weeks ({columns}) "
        f"SELECT s.organisation_id, s.metric, t.id, 'team', {week}, {_SUMS} "
        f"FROM signals AS s JOIN teams AS t ON t.id = s.subject_id "
        f"WHERE s.subject_type = 'team' "
        f"GROUP BY s.organisation_id, s.metric, t.id, {week}")


def downgrade() -> None:
    op.drop_table('team_weeks')
