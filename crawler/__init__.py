"""Social-commerce crawler for brand protection: schema, parsers, spiders, storage."""
