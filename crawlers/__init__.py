"""Collection: Scrapy spiders per source kind, item pipelines, and importers for offline media."""
