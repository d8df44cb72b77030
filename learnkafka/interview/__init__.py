"""Interview prep: a timed mock interview on the study guide's three questions (issue 14)."""
