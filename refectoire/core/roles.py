"""Who may make a move in a lifecycle (`refectoire.core.lifecycle`).

Kept apart from the lifecycle's models so that the apps' enums, which the AppConfigs import
before the models are ready, can name them.
"""

# Who may make a move.
PARENT = "parent"  # a parent on the portal (or an agent doing it for the family)
AGENT = "agent"  # an agent of the Caisse in the back office
SYSTEM = "system"  # the application itself: a run, a task, an import, a rule applied at once
ADULT = "adult"  # an adult (staff) for their own meal registration
ROLES = frozenset({PARENT, AGENT, SYSTEM, ADULT})
