"""Named random streams: every random decision draws from its own generator.

A stream is seeded by (scenario seed, replication, stream kind, entity name) through numpy's
``SeedSequence``, never by the variant, so variants that share a seed share their noise
(common random numbers), and adding a stream or an entity never shifts the others.
"""

from __future__ import annotations

import zlib
from enum import IntEnum

import numpy as np


class StreamKind(IntEnum):
    """Kinds of random decision. Append only: never renumber, never reuse a number."""

    INCIDENT_ARRIVALS = 1
    TRAVEL = 2
    ON_SCENE = 3
    WRITE_UP = 4
    CONTACT_ARRIVALS = 5
    CONTACT_BOT = 6
    CONTACT_REDIALS = 7
    CONTACT_HANDLING = 8
    CONTACT_PATIENCE = 9
    CONTACT_REDIAL_DELAY = 10
    CONTACT_OUTCOME = 11
    CONTACT_CRIME = 12
    BOOKING_DELAY = 13
    WORKFORCE = 14
    CASE_ARRIVALS = 15
    CASE_SCREENING = 16
    CASE_RISK = 17
    CASE_EFFORT = 18
    CASE_FLOOR = 19
    BACKLOG_AGE = 20
    BACKLOG_EFFORT = 21
    INCIDENT_CRIME = 22
    # 23-26: dispatch rules (issue 13, engine side)
    INCIDENT_TYPE = 27
    INCIDENT_ROUTE = 28
    PRE_DISPATCH = 29
    # 30-36: contact handling (issue 14)
    CONTACT_SPILL = 30
    CONTACT_SPILL_PATIENCE = 31
    CONTACT_SPILL_HANDLING = 32
    CONTACT_SPILL_DELAY = 33
    CONTACT_WRAP_UP = 34
    CONTACT_ROOM = 35
    # 37-43: investigations (issue 15)
    CASE_STAGE = 37
    CASE_STAGE_TIME = 38
    MAJOR_INCIDENTS = 39
    MAJOR_INCIDENT_LENGTH = 40
    # 51-53: a contact's later attempts drawn when made, keyed (issue 18), and its first
    # call; since then CONTACT_HANDLING (8), CONTACT_PATIENCE (9), CONTACT_REDIAL_DELAY (10)
    # and CONTACT_SPILL_PATIENCE/HANDLING/DELAY (31-33) are no longer drawn (never reused)
    CONTACT_ATTEMPTS = 51
    CONTACT_FIRST_PATIENCE = 52
    CONTACT_FIRST_HANDLING = 53


def entity_key(name: str) -> int:
    """A stable 32-bit key for an entity name (grade, channel, department)."""
    return zlib.crc32(name.encode("utf-8"))


def generator(seed: int, replication: int, kind: StreamKind, name: str) -> np.random.Generator:
    """The generator for one stream of one replication."""
    sequence = np.random.SeedSequence(
        entropy=seed, spawn_key=(replication, int(kind), entity_key(name))
    )
    return np.random.Generator(np.random.PCG64(sequence))
