"""Organisers editing events: one input model for the form and the write API (``inputs``), the rules it is held
against (``checks``), repeat rules (``rules``), and the services that change events and record each change in
the audit log (``service``, ``actions``, ``history``)."""
