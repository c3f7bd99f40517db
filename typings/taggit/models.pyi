from typing import Any, ClassVar, Self, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models

_M = TypeVar("_M", bound=models.Model, covariant=True)

class NaturalKeyManager(models.Manager[_M]):
    def get_by_natural_key(self, *args: Any) -> _M: ...

# NaturalKeyManager at run time; typed as the plain Manager a subclass may replace.
class TagBase(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    objects: ClassVar[models.Manager[Self]]

    class Meta:
        abstract = True

    def slugify(self, tag: str, i: int | None = None) -> str: ...

class ItemBase(models.Model):
    objects: ClassVar[models.Manager[Self]]

    class Meta:
        abstract = True

class GenericTaggedItemBase(ItemBase):
    object_id = models.IntegerField()
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)

    class Meta:
        abstract = True
