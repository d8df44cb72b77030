"""The quizzes app."""
