import numpy as np
import pytest

import backprop as bp


@pytest.fixture(scope="session")
def mnist():
    """The report's splits, loaded once for the whole test session."""
    return bp.load_mnist()


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
