"""Entity tags live in the core (taskapp.http.etags), shared by every domain with versions."""

from taskapp.http.etags import EntityTags, etag_for, if_match_allows, precondition_failed

__all__ = ["EntityTags", "etag_for", "if_match_allows", "precondition_failed"]
