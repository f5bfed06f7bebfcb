"""Value classes without the import cost of dataclasses.

``@dataclass`` writes each class's methods as source text and compiles them when its module is
imported: about 0.6 ms a class here, and a run loads twenty of them before it reads a byte. A
``Record`` names its fields in ``__slots__`` and writes its own ``__init__`` (the one method that
runs thousands of times); equality, ``repr`` and ``replace`` come from here, generic over the
fields. They behave as a dataclass's: records are equal when they are of the same class and their
fields are equal, and a record is unhashable unless its class sets ``__hash__ = Record.value_hash``
(a dataclass's ``unsafe_hash``).
"""

from __future__ import annotations

from typing import Any, TypeVar

R = TypeVar("R", bound="Record")


class Record:
    __slots__ = ()

    def values(self) -> tuple:
        """The fields' values, in the order of ``__slots__``."""
        return tuple([getattr(self, name) for name in self.__slots__])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self.values() == other.values()  # type: ignore[attr-defined]
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def value_hash(self) -> int:
        return hash(self.values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__qualname__}({fields})"

    def replace(self: R, **changes: Any) -> R:
        """A copy with some fields changed (``dataclasses.replace``)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        unknown = set(changes) - set(values)
        if unknown:
            raise TypeError(f"{type(self).__qualname__} has no field {sorted(unknown)[0]!r}")
        values.update(changes)
        return type(self)(**values)
