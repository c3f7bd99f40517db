"""Where each imported item came from: ``ImportedItem`` rows, read and written.

One ``Ledger`` per import, shared by every writer of the run: it knows the format
(``ImportedItem.Source``) from the start and the site once the export has named it.
"""

from collections.abc import Iterable
from typing import TypeVar

from django.db import connection
from django.db.models import Model

from core.dbcopy import copy_objects
from porting.models import ImportedItem
from porting.records import digest_of

from .base import ImportFailed

M = TypeVar("M", bound=Model)


def key(source_id: str) -> str:
    """A source id as stored: long ids (Disqus URLs) become a digest."""
    return source_id if len(source_id) <= 300 else "sha256:" + digest_of(source_id)


class Ledger:
    def __init__(self, *, source: str, site_key: str | None = None) -> None:
        self.source = source  # ImportedItem.Source: the format
        self._site_key = site_key  # which site: read from the export (``open``)

    def open(self, site_key: str) -> None:
        """The export named its site: every row from now on is that site's."""
        self._site_key = site_key

    @property
    def site_key(self) -> str:
        if self._site_key is None:
            raise ImportFailed("the export does not say which site it comes from")
        return self._site_key

    def item(self, kind: str, source_id: str) -> ImportedItem | None:
        return ImportedItem.objects.filter(
            source=self.source,
            source_key=self.site_key,
            kind=kind,
            source_id=key(source_id),
        ).first()

    def imported(self, kind: str, source_id: str, model: type[M]) -> M | None:
        found = self.item(kind, source_id)
        return model._default_manager.filter(pk=found.object_id).first() if found else None

    def remember(
        self,
        kind: str,
        source_id: str,
        obj: Model,
        *,
        digest: str = "",
        url: str = "",
        existing: ImportedItem | None = None,
    ) -> None:
        if existing is not None:
            existing.object_id, existing.digest = obj.pk, digest
            existing.source_url = url[:500] or existing.source_url
            existing.save(update_fields=["object_id", "digest", "source_url", "updated_at"])
            return
        ImportedItem.objects.create(
            source=self.source,
            source_key=self.site_key,
            kind=kind,
            source_id=key(source_id),
            object_id=obj.pk,
            digest=digest,
            source_url=url[:500],
        )

    def imported_ids(self, kind: str, source_ids: Iterable[str]) -> set[str]:
        """Which of ``source_ids`` were imported before (as stored keys)."""
        return set(self.items(kind, source_ids))

    def items(self, kind: str, source_ids: Iterable[str]) -> dict[str, ImportedItem]:
        """The rows of those of ``source_ids`` imported before, by stored key.

        One probe of the unique index per key, whatever the statistics say: the import's
        own rows are in the table before any ANALYZE, and ``source_id IN (...)`` was
        planned as a scan of every row of the site or kind, so each batch read all the
        rows of the batches before it.
        """
        keys = sorted({key(source_id) for source_id in source_ids})
        if not keys:
            return {}
        table = connection.ops.quote_name(ImportedItem._meta.db_table)
        found = ImportedItem.objects.raw(
            f"""
            SELECT found.* FROM unnest(%s::text[]) AS wanted(id)
            CROSS JOIN LATERAL (
                SELECT * FROM {table}
                WHERE source = %s AND source_key = %s AND kind = %s AND source_id = wanted.id
                LIMIT 1
            ) AS found
            """,  # noqa: S608 - the table name is the model's
            [keys, self.source, self.site_key, kind],
        )
        return {item.source_id: item for item in found}

    def remember_many(self, kind: str, items: Iterable[tuple[str, Model, str, str]]) -> None:
        """New rows for ``items``: (source id, object, digest, old address) of things just
        created."""
        site_key = self.site_key
        copy_objects(
            ImportedItem,
            (
                ImportedItem(
                    source=self.source,
                    source_key=site_key,
                    kind=kind,
                    source_id=key(source_id),
                    object_id=obj.pk,
                    digest=digest,
                    source_url=url[:500],
                )  # fmt: skip
                for source_id, obj, digest, url in items
            ),
        )
