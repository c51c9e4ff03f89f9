"""The synthetic world generator and the scorer (``taxgate synth``, ``taxgate score``).

See ``docs/synth.md``. The public surface::

    generate_world(out, taxpayers=..., requests=..., seed=...)  -> WorldSummary
    WorldSpec                                                     every rate of the world
    score_files(response_csv, truth_parquet)                      -> dict (JSON-ready)
    delivery_point_key(street, unit, zip)                         -> 'HOUSE|PREDIR|...|ZIP5'
"""

from taxgate.synth.score import delivery_point_key, score_files
from taxgate.synth.spec import CATEGORIES, WorldSpec
from taxgate.synth.world import WorldSummary, generate_world

__all__ = [
    "CATEGORIES",
    "WorldSpec",
    "WorldSummary",
    "delivery_point_key",
    "generate_world",
    "score_files",
]
