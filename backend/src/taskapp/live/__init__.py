"""Live updates: the signed-in user's Server-Sent Events stream (docs/adr/0019)."""
