"""LearnKafka: the Django project (settings, routing) and its apps, one per domain."""
