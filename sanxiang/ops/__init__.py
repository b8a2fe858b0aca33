"""Running Sanxiang on several nodes and watching it: health and readiness probes, request ids
and structured logs, Prometheus metrics, and the checks that keep node-local state out of a
cluster (docs/operations/observability.md)."""
