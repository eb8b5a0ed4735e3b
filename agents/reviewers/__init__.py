"""The reviewers, one module each: the module's name is the agent's name, and its `AGENT`
(an `agents.declaration.Agent`) declares everything about it. `agents.registry` finds
them here; see README, "Adding an agent".
"""
