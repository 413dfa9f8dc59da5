"""Sample articles and topic definitions, shipped with the package."""
