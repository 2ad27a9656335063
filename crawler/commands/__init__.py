"""Project commands, wired through Scrapy's COMMANDS_MODULE setting: extract, schema."""
