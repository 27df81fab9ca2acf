"""Speech to text: one small protocol, several engines."""
