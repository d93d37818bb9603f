"""18.0.1.4.0: a claim's retries are queue_job's (the job's next try, shown on the claim): the column of the
retry date the scheduled action used to read (``next_attempt_date``) is dropped from the claims of older
databases."""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    openupgrade.drop_columns(env.cr, [("qualirepar_claim", "next_attempt_date")])  # absent: left alone
