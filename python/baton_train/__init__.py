"""baton_train: train Baton's LSTM models (text, control, strokes) with PyTorch, in one
process or under torchrun, and read and write Baton's model files.

    from baton_train import BatonLSTM, ModelConfig, load_model, save_model
"""
__version__ = "0.1.0"

from .config import ModelConfig  # noqa: E402
from .model import BatonLSTM, initialise_  # noqa: E402
from .modelfile import Normalisation, load_model, save_model  # noqa: E402

__all__ = ["BatonLSTM", "ModelConfig", "Normalisation", "initialise_", "load_model", "save_model", "__version__"]
