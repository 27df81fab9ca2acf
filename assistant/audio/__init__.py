"""Audio: typed chunks, sources (microphones) and sinks (speakers)."""
