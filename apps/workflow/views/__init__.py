"""Pages of the review cycle. Thin views: scope through selectors (404 outside), decide through
permissions (403 with the reason in Chinese), change through services (audited), render."""
