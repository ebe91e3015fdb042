"""evaltools: is our Corporate Parenting Strategy working?

Public-data layer, measure registry, comparators and notebook runner for English local
authorities evaluating outcomes for children in care and care leavers.
"""

__version__ = "0.1.0"
