"""Lambda authorizers for API Gateway: the events they receive, the responses they return, and the
method ARN they authorize. Every public name is exported from :mod:`mangum.events`."""
