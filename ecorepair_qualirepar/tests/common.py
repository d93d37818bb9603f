"""Odoo test base: the eco-organism sandbox (tools/eco_sandbox) served in-process on 127.0.0.1."""

import inspect

import eco_sandbox  # the package qualirepar-eco-sandbox (tools/ of the repository), installed by the set-up

from odoo.tests import TransactionCase


def public_methods(registry, addon):
    """{(model, method)} of the public methods that the Python package ``addon`` ("odoo.addons.x.") adds to the
    models of ``registry``: what can be called over RPC, each of which must check the caller's role."""
    found = set()
    for name, model in registry.items():
        core = {attribute for cls in model.__mro__ if not cls.__module__.startswith(addon) for attribute in vars(cls)}
        for cls in model.__mro__:
            if cls.__module__.startswith(addon):
                found |= {(name, attribute) for attribute, value in vars(cls).items()
                          if inspect.isfunction(value) and not attribute.startswith("_") and attribute not in core}
    return found


class SandboxMixin:
    """Starts one sandbox for the class, resets its state before each test, and gives two connections."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = eco_sandbox.SandboxServer(host="127.0.0.1", port=0).start()
        cls.addClassCleanup(cls.sandbox.stop)
        Backend = cls.env["qualirepar.backend"]
        Backend.with_context(active_test=False).search([]).unlink()  # the demo connections
        cls.ecosystem = Backend.create({
            "name": "ecosystem test",
            "organism": "ecosystem",
            "environment": "sandbox",
            "base_url": cls.sandbox.ecosystem_url,
            "username": eco_sandbox.USERNAME,
            "password": eco_sandbox.PASSWORD,
            "timeout": 10,
        })
        cls.ecologic = Backend.create({
            "name": "Ecologic test",
            "organism": "ecologic",
            "environment": "sandbox",
            "base_url": cls.sandbox.ecologic_url,
            "api_key": eco_sandbox.API_KEY,
            "timeout": 10,
        })

    def setUp(self):
        super().setUp()
        self.sandbox.state.reset()

    def product_type(self, backend, code):
        return self.env["qualirepar.product.type"].with_context(active_test=False).search(
            [("backend_id", "=", backend.id), ("code", "=", code)])


class SandboxCase(SandboxMixin, TransactionCase):
    pass
