"""Domain-free foundations: working days, identifiers, errors, shared bases."""
