from typing import TypeVar

from django.db.models import Manager, Model

from .querysets import TreeQuerySet

_T = TypeVar("_T", bound=Model, covariant=True)

class TreeManager(Manager[_T]):
    def get_queryset(self) -> TreeQuerySet[_T]: ...
