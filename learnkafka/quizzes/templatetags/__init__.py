"""Template tags of the quizzes app."""
