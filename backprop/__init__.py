"""backprop: a sigmoid multilayer perceptron built from scratch in NumPy, for teaching.

See the notebooks in ``notebooks/`` for the derivation every function implements.
"""

from .activation import sigmoid, sigmoid_prime
from .data import MNIST, Split, load_mnist
from .gradcheck import gradient_check, numerical_gradient, relative_error
from .nn import accuracy, backward, forward, init_params, loss, predict
from .sweeps import summarize, sweep
from .training import TrainingDiverged, evaluate, train

__all__ = [
    "MNIST",
    "Split",
    "TrainingDiverged",
    "accuracy",
    "backward",
    "evaluate",
    "forward",
    "gradient_check",
    "init_params",
    "load_mnist",
    "loss",
    "numerical_gradient",
    "predict",
    "relative_error",
    "sigmoid",
    "sigmoid_prime",
    "summarize",
    "sweep",
    "train",
]
__version__ = "0.1.0"
