"""The instructor's classroom: one live simulation followed by a room of students (issue 13)."""
