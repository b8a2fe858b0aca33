"""Backups of a whole installation and restores into a fresh one (docs/operations/backup.md).

``sanxiang backup`` writes a *backup set*: the database (a PostgreSQL base backup, whose WAL
archive lives beside the sets, or an online copy of the SQLite file), every version of every
evidence object, the installation's own files (signing keys, secret key, documents) and a
manifest with the SHA-256 of every file and the newest signed tree head of every ledger log.
``sanxiang restore`` (``restore.py``, which runs before Django is set up) rebuilds an
installation from a set and ``sanxiang restore-verify`` proves it against the manifest.
"""
