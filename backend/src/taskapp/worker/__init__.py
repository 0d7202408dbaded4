"""The background worker (docs/adr/0018): one job loop, run by `taskapp worker` or in-process."""
