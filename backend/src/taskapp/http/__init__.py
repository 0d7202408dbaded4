"""HTTP plumbing that knows no domain: security headers, request ids, the body limit and route
resolution (for metrics labels and 405 answers). main.py stacks the middleware in order."""
