"""18.0.1.4.0: the setting "Claims sent at once" is the capacity of the claims' job channel (queue_job's
root.qualirepar), no longer a system parameter that nothing read: the number an administrator had typed becomes
the channel's capacity, and the parameter goes."""

from openupgradelib import openupgrade

PARAMETER = "ecorepair_qualirepar.claim_concurrency"


@openupgrade.migrate()
def migrate(env, version):
    parameter = env["ir.config_parameter"].sudo().search([("key", "=", PARAMETER)])
    channel = env.ref("ecorepair_qualirepar.queue_job_channel_qualirepar", raise_if_not_found=False)
    if parameter and channel and not channel.capacity and parameter.value.isdigit() and int(parameter.value) > 0:
        channel.capacity = int(parameter.value)
    parameter.unlink()
