"""AI reviewers: Strands agents that review a change with read-only tools over the checkout.

Nothing here imports Strands at module level: `import strands` costs about half a second,
paid only when a review has a model configured (see `agents.llm.review.model_review`).
"""
