"""taskapp: a task manager API."""

__version__ = "0.1.0"
