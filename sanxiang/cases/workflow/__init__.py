"""Procedures as data (definitions), a small engine over them, and the guards they name."""
