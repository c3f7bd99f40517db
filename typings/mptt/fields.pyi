from typing import TypeVar

from django.db.models import ForeignKey

_ST = TypeVar("_ST", contravariant=True)
_GT = TypeVar("_GT", covariant=True, default=_ST)

class TreeForeignKey(ForeignKey[_ST, _GT]): ...
