"""What the filter may know about a comment (no scikit-learn here: the posting path
imports this module, and scikit-learn only once there is a model to use)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    """The parts of a comment the filter may look at. Never the IP address."""

    body: str
    name: str = ""
    known_email: bool = False
