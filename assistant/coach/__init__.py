"""Practice coaching: feedback on rehearsed apologies and conversation openings."""
