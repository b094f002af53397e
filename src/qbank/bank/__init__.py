"""Reading bank files into validated questions, and the packaged default bank."""

from .loader import DEFAULT_BANK_ID, default_bank_path, load_bank, load_bank_text

__all__ = ["DEFAULT_BANK_ID", "default_bank_path", "load_bank", "load_bank_text"]
