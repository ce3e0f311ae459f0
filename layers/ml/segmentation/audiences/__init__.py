"""Audiences service (seed 003): the variable catalog, its hybrid search, and the audience builder."""
