"""Budgets for work on input from outside: extraction in worker processes that are
stopped and replaced when a page takes too long or too much memory (``budget.py``,
``pool.py``; ``work.py`` runs inside the workers)."""

from storyline.sandbox.budget import Budget
from storyline.sandbox.pool import Extractor, WorkerPool, budget_error

__all__ = ["Budget", "Extractor", "WorkerPool", "budget_error"]
