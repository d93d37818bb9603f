def post_init_hook(env):
    _fill_done_dates(env)
    env["repair.order"]._qualirepar_planning_init()
    env["res.company"].search([("chart_template", "=", "fr")])._qualirepar_ensure_bonus_account()


def _fill_done_dates(env):
    """Repairs finished before the add-on was installed get their finishing date from their last change,
    so that a device coming back soon after one of them is found as a warranty return."""
    env["repair.order"].flush_model(["state", "qualirepar_done_date"])
    env.cr.execute("""
        UPDATE repair_order SET qualirepar_done_date = write_date
         WHERE state = 'done' AND qualirepar_done_date IS NULL
    """)
