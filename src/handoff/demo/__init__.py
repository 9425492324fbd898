"""The demo: synthetic conversations and the live demo that streams them into a running service."""
