"""qbank: turn a question bank into fresh, randomised practice for real classrooms."""

__version__ = "0.1.0"
