"""Performance code that bends a library, kept apart from the rest of the core.

Each module says which upstream change would let it go; the measurements behind it are in
docs/adr/0006-hot-read-path.md. Nothing outside db.py and the two hot reads should need it.
"""
