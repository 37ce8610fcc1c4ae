"""backprop.checks.reference: the right formulas the checks compare with are the package's."""

import backprop as bp
from backprop.checks import cases, reference


def test_the_reference_formulas_are_those_of_bp_backward():
    """The checks compare each step with checks.RIGHT; those formulas give bp.backward."""
    for case in cases.default_cases():
        for kind in ("mse", "cross_entropy"):
            env = reference.run_steps(case, kind)
            grads = bp.backward(case.params, case.cache, case.Y, loss=kind)
            for key in grads:
                assert bp.relative_error(env[f"d_{key}"], grads[key]) < 1e-12
