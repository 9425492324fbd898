"""The pure decision core: policy, facts, signals, qualification, hours, routing, decide.

Nothing in this package touches a database, the network or the clock.
"""
