"""The application layer: taxgate's use cases, which the command line and the service both call.

Each module is one use case over the stores: :mod:`~taxgate.app.prescreen` (screen a batch
without deciding it), :mod:`~taxgate.app.pipeline` (run a batch end to end and commit it),
:mod:`~taxgate.app.review` and :mod:`~taxgate.app.review_queue` (the review queue, a
reviewer's decision, its supplement), :mod:`~taxgate.app.explain` (why a request was decided
as it was) and :mod:`~taxgate.app.demo` (the embedded default world, end to end). The stages
they compose (intake, screening, matching, disclosure, ledger, report) know nothing of them;
neither the CLI nor the HTTP layer holds a use case of its own.
"""
