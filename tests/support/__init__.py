"""Test helpers shared across test modules (local servers standing in for the outside world)."""
