"""Errors a user can cause, rendered as Baton renders them: one line, `error: what (hint: do this)`."""


class BatonTrainError(Exception):
    """A user-facing error: `message` names the path or value, `hint` says what to do."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def line(self) -> str:
        return f"error: {self.message}" + (f" (hint: {self.hint})" if self.hint else "")


class DataError(BatonTrainError):
    """Training or evaluation data that cannot be used."""


class ModelFileError(BatonTrainError):
    """A model file (or state_dict) that cannot be read or is not an LSTM Baton can run."""


class UsageError(BatonTrainError):
    """A flag or combination of flags that makes no sense."""
