"""Read-only public JSON API (/api/v1/) for data exchange, with its OpenAPI schema."""
