"""The HTTP face of taxgate: a submission API and a review workbench (``taxgate serve``).

:func:`taxgate.service.app.create_app` builds the FastAPI application from settings passed in
(nothing read from the environment). Who may call what is one table,
:mod:`taxgate.service.matrix`. The workspace's DuckDB store is owned by one worker thread
(:mod:`taxgate.service.worker`); the service's own state is in the record store
(:mod:`taxgate.records`). Nothing is imported here, so that the CLI starts fast.
"""
