"""Project commands for `scrapy` (COMMANDS_MODULE): crawl (cron-safe), demo, extract."""
