"""The background worker (docs/adr/0017): one job loop, run by `taskapp worker` or in-process."""
