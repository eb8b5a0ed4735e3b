"""The agents: reviewers declared in `agents.reviewers`, found by `agents.registry`, run by
`agents.base` (analysers through `agents.process`, model passes through `agents.llm`)."""
