"""reviewbot on GitHub: App authentication, bounded retries, and publishing a review.

`settings` holds what the review side needs to act as the App; `client` turns it into
repository-scoped clients; `comments` and `checks` are pure (findings in, request
bodies out); `publish` posts them exactly once.
"""
