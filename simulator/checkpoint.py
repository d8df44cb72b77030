"""Frozen copies of a world: what a `Simulation` checkpoint holds.

A checkpoint must be a copy of the world that later changes cannot touch,
and it is taken every few simulated seconds of every live sandbox, so its
cost is paid all the time. `copy.deepcopy` walks the object graph in Python
(about 5-10 ms for a playground world); pickling the same graph runs in C and
is about eight times faster, and the bytes it gives are about a quarter of
the memory the copied objects take.

Records are immutable and shared by every replica and every checkpoint (see
`simulator.log`): the pickler does not write them but keeps them in a list
beside the bytes, and the unpickler hands back the very same objects. A
world holding something pickle cannot write (a lambda an extension keeps, a
class defined inside a function) is still copyable with deepcopy, which is
the simulator's contract for a world, so such a world is frozen by deepcopy.

The bytes never leave the process that made them and nothing else is ever
unpickled here, so loading them trusts no outside input.
"""

from __future__ import annotations

import copy
import io
import pickle

from simulator.log import Record


def _shared_record(index: int) -> Record:
    """Stands in, inside the bytes, for the record kept at `index` beside them;
    `_Thawer.find_class` replaces it, so it is never called."""
    raise RuntimeError("a frozen world's record was loaded without its records")


class _Freezer(pickle.Pickler):
    """Pickles a world, writing each record as an index into `records`."""

    def __init__(self, out: io.BytesIO, records: list):
        super().__init__(out, protocol=pickle.HIGHEST_PROTOCOL)

        def share(record: Record):  # called once per record (pickle memoises the rest)
            records.append(record)
            return (_shared_record, (len(records) - 1,))

        self.dispatch_table = {Record: share}


class _Thawer(pickle.Unpickler):
    """Loads a frozen world, giving back the records kept beside the bytes."""

    def __init__(self, data: bytes, records: list):
        super().__init__(io.BytesIO(data))
        self._records = records

    def find_class(self, module: str, name: str):
        if module == __name__ and name == "_shared_record":
            return self._records.__getitem__  # looked up once per load
        return super().find_class(module, name)


class Frozen:
    """A world as it was: pickled bytes and its shared records, or, for a
    world pickle cannot write, a deep copy."""

    __slots__ = ("_data", "_records", "_copy")

    def __init__(self, world):
        self._copy = None
        out, records = io.BytesIO(), []
        try:
            _Freezer(out, records).dump(world)
        except (pickle.PicklingError, TypeError, AttributeError):
            self._data, self._records = None, None
            self._copy = copy.deepcopy(world)
            return
        self._data, self._records = out.getvalue(), records

    @property
    def pickled(self) -> bool:
        return self._data is not None

    def thaw(self):
        """A new world, equal to the one frozen and independent of it."""
        if self._data is None:
            return copy.deepcopy(self._copy)
        return _Thawer(self._data, self._records).load()
