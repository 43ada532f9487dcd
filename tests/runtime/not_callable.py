"""A module whose ``handler`` is not callable."""

handler = "not a function"
