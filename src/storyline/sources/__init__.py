"""Where pages come from: feeds, sitemaps, single URLs, local files and archives."""
