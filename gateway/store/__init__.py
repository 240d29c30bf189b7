"""The data store: SQLAlchemy models, migrations, the import and queries."""
