"""The pure decision core: policy, facts, signals, qualification, hours, routing, decide.

Nothing in this package touches a database, the network or the clock.
"""


def is_compiled() -> bool:
    """Whether the engine runs as C compiled by mypyc (setup.py) rather than as Python."""
    from handoff.core import engine

    return not engine.__file__.endswith(".py")
