from typing import TypeVar

from django.db.models import Model, QuerySet

_Model = TypeVar("_Model", bound=Model, covariant=True)
_Row = TypeVar("_Row", covariant=True, default=_Model)

class TreeQuerySet(QuerySet[_Model, _Row]):
    def get_descendants(self, *args: object, **kwargs: object) -> TreeQuerySet[_Model]: ...
    def get_ancestors(self, *args: object, **kwargs: object) -> TreeQuerySet[_Model]: ...
