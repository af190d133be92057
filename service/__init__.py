"""HTTP layer: app factory, routes, schemas, settings and error mapping."""
