"""The warehouse: tables, migrations, idempotent loads, indicators, alerts, reports."""
