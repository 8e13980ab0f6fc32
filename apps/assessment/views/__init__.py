"""Pages of the assessment app (评估), split by subject: results and self-check, rule-set
editor, service-evaluation scoring, targets against actuals."""
