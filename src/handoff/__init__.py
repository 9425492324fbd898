"""handoff: decides when a chatbot conversation deserves a person."""
