"""What stops an import."""


class ImportFailed(Exception):
    """The import cannot finish; everything it wrote is rolled back."""
