"""Scheduled digests: assembly, state, subscriptions, scheduler, pacing."""
