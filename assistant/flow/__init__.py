"""Flows: data files turned into a `transitions` state machine."""
