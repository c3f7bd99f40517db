from typing import TypeVar

from django.contrib import admin
from django.db.models import Model

_M = TypeVar("_M", bound=Model)

class MPTTModelAdmin(admin.ModelAdmin[_M]):
    mptt_level_indent: int
    mptt_indent_field: str
