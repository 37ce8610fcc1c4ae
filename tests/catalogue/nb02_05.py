"""The catalogue of notebooks 02-05: wrong and right work for check_sgd_epoch, check_trained,
check_tuning_choice, check_test_accuracy (``accuracy_of``) and check_answer.

Each wrong implementation is written as a student writes it, one mistake at a time; the
gaming entries are constants, answers written in, and answers read off an earlier message.
The implementations and the data they run on are in :mod:`catalogue.work02_05`.
"""

from __future__ import annotations

import numpy as np

import backprop as bp
from backprop import checks

from . import Right, Wrong
from .work02_05 import (
    HISTORY,
    acc_loop,
    acc_right,
    adds_a_column,
    best_epoch_from_history,
    copied_from_global,
    counts,
    diverged,
    global_test_accuracy,
    grid_runs,
    grouped_by_lr_only,
    hard_coded,
    in_float32,
    made_up_runs,
    mnist,
    percent_in_place,
    right_sgd_loop_per_key,
    right_sgd_shuffled_copies,
    right_tune_loops,
    right_tune_pivot,
    right_values_fixed_choice,
    runs_03_5,
    scale_X_in_place,
    sgd,
    share,
    shown,
    shuffles_X_in_place,
    tiny,
    trained,
    trained_on_validation,
    tune_with,
    two_nets,
    val_counts,
    written_in_exactly,
)

# --------------------------------------------------------------------------- SGD epoch

def sgd_wrong(mistake, says, fix="", gaming=False, **kw):
    return Wrong("check_sgd_epoch", mistake, lambda: checks.check_sgd_epoch(sgd(**kw)),
                 says, fix, gaming)


SGD = [
    sgd_wrong("updates params in place (params[k] -= lr * grads[k])",
              ("changed its argument params['W1'] in place",), "build new values instead",
              update="in place"),
    sgd_wrong("lr applied with the wrong sign (w + lr * d_w)", ("gradient ascent",),
              "w - lr * d_w", sign=-1.0),
    sgd_wrong("each step with the gradient of the whole set", ("whole set",),
              "forward and backward on X[rows], Y[rows] only", whole_set=True),
    sgd_wrong("shuffles X but not Y", ("X is shuffled but Y is not",), "X[rows] and Y[rows]",
              shuffle_Y=False),
    sgd_wrong("shuffles with a Generator of its own, not the rng passed in",
              ("drew nothing from the rng",), "order = rng.permutation(len(X))",
              order_from="own generator"),
    sgd_wrong("shuffles with np.random.permutation", ("drew nothing from the rng",),
              "order = rng.permutation(len(X))", order_from="np.random"),
    sgd_wrong("never shuffles (file order)", ("never shuffles", "file order"),
              "order = rng.permutation(len(X))", order_from="file order"),
    sgd_wrong("shuffles once and keeps that order", ("epoch 2 used epoch 1's order",),
              "Draw a new order", cache_order=True),
    sgd_wrong("batch loop off by one: starts at 1", ("off by one", "order[0]"),
              "range(0, len(X), batch_size)", start=1),
    sgd_wrong("minibatch slice one row short", ("one row short",),
              "order[start:start + batch_size]", short=1),
    sgd_wrong("drops the last partial batch", ("drops the last partial batch",),
              "range(0, len(X), batch_size)", drop_last=True),
    sgd_wrong("return inside the loop", ("returns after the first minibatch",),
              "Return once, after the loop", return_early=True),
    sgd_wrong("ignores `loss` (always the quadratic)", ("ignores `loss`",),
              "pass loss=loss", loss_used="mse"),
    sgd_wrong("ignores lr", ("ignores lr",), "Multiply the gradient by lr", lr_used=1.0),
    sgd_wrong("steps with the summed gradient (lr * batch_size)",
              ("batch_size times too large",), "not w - lr * batch_size * d_w", scale=5.0),
    sgd_wrong("divides lr by the batch size (a mean of a mean)",
              ("batch_size times too small",), "not w - lr / batch_size * d_w", scale=0.2),
    sgd_wrong("computes in float32", ("float32", "precision"), "keep the dtype you are given",
              dtype=np.float32),
    sgd_wrong("forgets to return", ("returned None",), "Return the new parameters",
              result="none"),
    Wrong("check_sgd_epoch", "returns its input unchanged (a do-nothing epoch)",
          lambda: checks.check_sgd_epoch(lambda params, X, Y, lr, batch_size, loss, rng:
                                         (rng.permutation(len(X)), params)[1]),
          ("returns the parameters from the start of the epoch unchanged",),
          "Step every parameter", True),
    Wrong("check_sgd_epoch", "returns bp.init_params of its own (a constant network)",
          lambda: checks.check_sgd_epoch(
              lambda params, X, Y, lr, batch_size, loss, rng: bp.init_params(
                  [784, 16, 10], np.random.default_rng(rng.integers(9)), dtype=np.float64)),
          ("differ from the reference's", "matches none of the known mistakes"),
          "compare the loop with this", True),
    Wrong("check_sgd_epoch", "shuffles X in place (rng.shuffle(X))",
          lambda: checks.check_sgd_epoch(shuffles_X_in_place),
          ("changed its argument X in place",), "build new values instead"),
]



SGD_RIGHT = [
    Right("check_sgd_epoch", "a dict comprehension per minibatch",
          lambda: checks.check_sgd_epoch(sgd())),
    Right("check_sgd_epoch", "copies first, then in-place steps on the copies",
          lambda: checks.check_sgd_epoch(right_sgd_loop_per_key)),
    Right("check_sgd_epoch", "X, Y shuffled together, np.array_split into minibatches",
          lambda: checks.check_sgd_epoch(right_sgd_shuffled_copies)),
]


# --------------------------------------------------------------------------- trained network

TRAINED = [
    Wrong("check_trained", "hands in the untrained network",
          lambda: checks.check_trained(bp.init_params([784, 30, 10],
                                                      np.random.default_rng(0)), mnist()),
          ("validation accuracy", "below 85 %"), "train longer"),
    Wrong("check_trained", "training diverged (NaN in the weights)",
          lambda: checks.check_trained(diverged(), mnist()),
          ("W2 contains NaN", "diverged"), "smaller learning rate"),
    Wrong("check_trained", "passes (params, history) from bp.train",
          lambda: checks.check_trained((trained(), {}), mnist()),
          ("tuple", "(params, history)"), "Pass the parameters alone"),
    Wrong("check_trained", "W1 transposed (10 x 784 layout)",
          lambda: checks.check_trained({**trained(), "W1": trained()["W1"].T}, mnist()),
          ("W1 has shape (30, 784)",), "W1 is (784, hidden)"),
    Wrong("check_trained", "trains on the validation set", lambda: checks.check_trained(
        trained_on_validation(), mnist()), ("trained on the validation images",),
        "Train on data.train only", True),
    Wrong("check_trained", "a network of zeros (a constant)", lambda: checks.check_trained(
        {k: np.zeros_like(v) for k, v in trained().items()}, mnist()),
        ("validation accuracy", "below 85 %"), "train longer", True),
    Wrong("check_trained", "passes the gradients' names (keys dW1, ...)",
          lambda: checks.check_trained({"d" + k: v for k, v in trained().items()}, mnist()),
          ("expected a dict with keys",), "Pass the parameters your training returned"),
]
TRAINED_RIGHT = [
    Right("check_trained", "five epochs at lr 1.0, 30 hidden units",
          lambda: checks.check_trained(trained(), mnist())),
    Right("check_trained", "the same network in float64",
          lambda: checks.check_trained({k: v.astype(np.float64) for k, v in trained().items()},
                                       mnist())),
]


# --------------------------------------------------------------------------- tuning

def tune_wrong(mistake, says, fix, tune, runs=made_up_runs, gaming=False, never=()):
    return Wrong("check_tuning_choice", mistake,
                 lambda: checks.check_tuning_choice(tune, runs()), says, fix, gaming, never)


TUNING = [
    tune_wrong("chooses on training accuracy", ("tried values are", "*training* accuracy"),
               "mean final validation accuracy", tune_with("train_acc"),
               never=("validation accuracy 100",)),
    tune_wrong("chooses on training accuracy (the notebook's runs)",
               ("*training* accuracy",), "mean final validation accuracy",
               tune_with("train_acc"), runs=grid_runs, never=("100.00 %",)),
    tune_wrong("chooses on the best epoch (best_val_acc)", ("best epoch",),
               "final epoch's val_acc", tune_with("best_val_acc")),
    tune_wrong("chooses on the best epoch of each history", ("best epoch",),
               "final epoch's", best_epoch_from_history, runs=grid_runs),
    tune_wrong("max over seeds instead of mean", ("maximum over the seeds",),
               "average the seeds", tune_with(how="max")),
    tune_wrong("max over seeds instead of mean (the notebook's runs)",
               ("maximum over the seeds",), "average the seeds", tune_with(how="max"),
               runs=grid_runs),
    tune_wrong("seed 0 only", ("seed 0 only",), "average them all", tune_with(seed0=True),
               runs=grid_runs),
    tune_wrong("median over seeds", ("median over the seeds",), "average the seeds",
               tune_with(how="median")),
    tune_wrong("swapped keys (hidden, lr)", ("(hidden, lr), swapped",),
               "learning rate first", tune_with(keys=("hidden", "lr")), runs=grid_runs,
               never=("learning rate 110",)),
    tune_wrong("smallest validation loss", ("validation *loss*", "not an accuracy"),
               "mean final validation accuracy", tune_with("val_loss", pick=min),
               runs=grid_runs, never=("55.89 %", "%")),
    tune_wrong("accuracies as percentages", ("percentages",), "give fractions",
               tune_with(scale=100.0)),
    tune_wrong("choice is the smallest (min instead of max)", ("smallest",),
               "max(tried, key=tried.get)", tune_with(pick=min)),
    tune_wrong("groups by lr only", ("(lr, hidden) pairs",), "groupby(['lr', 'hidden'])",
               grouped_by_lr_only),
    tune_wrong("adds a column to the runs in place", ("changed its argument runs",
                                                       "in place"),
               "runs.copy()", adds_a_column),
    tune_wrong("returns the notebook's answer, written in (4 digits)", ("written in by hand",),
               "computed from `runs` and not rounded", hard_coded, runs=grid_runs, gaming=True),
    tune_wrong("returns the notebook's answer pasted to all digits", ("other runs",
                                                                     "same tried and choice"),
               "compute them from its argument", written_in_exactly, runs=grid_runs,
               gaming=True),
    tune_wrong("right tried, choice written in", ("other runs", "is not the setting with the "
                                                  "largest value"),
               "max(tried, key=tried.get)", right_values_fixed_choice, runs=grid_runs,
               gaming=True),
    tune_wrong("computes from the global grid_runs, not its argument", ("other runs",),
               "compute them from its argument", copied_from_global, runs=grid_runs,
               gaming=True),
    tune_wrong("turns val_acc into percent in the runs, in place",
               ("changed its argument runs", "in place"),
               "runs.copy()", percent_in_place),
    tune_wrong("keeps the means in float32", ("float32's precision", "a matter of precision"),
               "keep them as Python floats or float64", in_float32, runs=grid_runs),
    tune_wrong("returns the choice alone", ("expected a pair (tried, choice)",),
               "return tried, max(tried, key=tried.get)",
               lambda runs: tune_with()(runs)[1]),
]
TUNING_RIGHT = [
    Right("check_tuning_choice", "groupby mean and max(key=tried.get)",
          lambda: checks.check_tuning_choice(tune_with(), grid_runs())),
    Right("check_tuning_choice", "loops over the rows, final epoch from each history",
          lambda: checks.check_tuning_choice(right_tune_loops, grid_runs())),
    Right("check_tuning_choice", "a pivot table and idxmax (made-up runs)",
          lambda: checks.check_tuning_choice(right_tune_pivot, made_up_runs())),
]


# --------------------------------------------------------------------------- accuracy_of

def check_acc(fn):
    return lambda: checks.check_test_accuracy(fn, trained(), mnist())


def acc_wrong(mistake, says, fix, fn, gaming=False, never=()):
    return Wrong("check_test_accuracy", mistake, shown(check_acc(fn)), says, fix, gaming,
                 never)



ACCURACY = [
    acc_wrong("returns a constant (the number the old check printed)",
              ("accuracy_of (the network you pass, 500 shuffled test images)",
               "same number for every network"), "compute the share from the params, X and y",
              lambda params, X, y: 0.9291, True, ("the network's is",)),
    acc_wrong("returns the test accuracy computed from outside", ("whole test set",),
              "compute it from the X and y passed in", global_test_accuracy, True),
    acc_wrong("returns 0.5 for anything (a constant)", ("same number for every network",),
              "not return one number", lambda params, X, y: 0.5, True),
    acc_wrong("returns a random number", ("not the share", "none of the known mistakes"),
              "the accuracy is the mean",
              lambda params, X, y: float(np.random.default_rng().uniform(0.8, 1)), True),
    acc_wrong("uses the notebook's network, ignoring params",
              ("a random network", "ignores params"), "the params passed in",
              lambda params, X, y: acc_right(trained(), X, y)),
    acc_wrong("argmax(axis=0)", ("ValueError", "raised by your", "check_test_accuracy",
                                 "axis=1"), "argmax(axis=1)",
              lambda params, X, y: float(np.mean(bp.forward(params, X)[0].argmax(axis=0)
                                                 == y))),
    acc_wrong("forgets that forward returns a tuple", ("AttributeError", "raised by your",
                                                       "returns a pair"),
              "y_hat, _ = bp.forward(params, X)",
              lambda params, X, y: float(np.mean(bp.forward(params, X).argmax(axis=1) == y))),
    acc_wrong("returns a percentage", ("percentage",), "return the fraction",
              lambda params, X, y: 100 * acc_right(params, X, y)),
    acc_wrong("returns the count", ("number of right rows",), "divide by len(y)",
              lambda params, X, y: acc_right(params, X, y) * len(y)),
    acc_wrong("returns the error rate", ("share of wrong rows",), "IS the digit y",
              lambda params, X, y: 1 - acc_right(params, X, y)),
    acc_wrong("argmin instead of argmax", ("argmin",), "argmax(axis=1)",
              lambda params, X, y: float(np.mean(bp.forward(params, X)[0].argmin(axis=1)
                                                 == y))),
    acc_wrong("compares probabilities with the labels", ("output values (probabilities)",),
              "y_hat.argmax(axis=1)",
              lambda params, X, y: float(np.mean(bp.forward(params, X)[0].max(axis=1) == y))),
    acc_wrong("forgets the mean (returns the boolean array)", ("expected one number",),
              "np.mean(y_hat.argmax(axis=1) == y)",
              lambda params, X, y: bp.forward(params, X)[0].argmax(axis=1) == y),
    acc_wrong("rounds to two digits", ("rounds",), "unrounded",
              lambda params, X, y: round(acc_right(params, X, y), 2)),
    acc_wrong("changes X in place", ("changed its argument X in place",),
              "build new values instead", scale_X_in_place),
    acc_wrong("forgets to return", ("returned None",), "forget `return`",
              lambda params, X, y: None),
]
ACCURACY_RIGHT = [
    Right("check_test_accuracy", "argmax(axis=1) and np.mean", check_acc(acc_right)),
    Right("check_test_accuracy", "a loop over the rows", check_acc(acc_loop)),
    Right("check_test_accuracy", "bp.predict and a count",
          check_acc(lambda params, X, y: np.count_nonzero(bp.predict(params, X) == y) / len(y))),
]


# --------------------------------------------------------------------------- check_answer
def answer(exercise, value, **context):
    return lambda: checks.check_answer(exercise, value() if callable(value) else value,
                                       **{k: v() if callable(v) else v
                                          for k, v in context.items()})


def answer_wrong(exercise, mistake, value, says, fix="", gaming=False, **context):
    return Wrong(f"check_answer {exercise}", mistake, answer(exercise, value, **context),
                 (f"exercise {exercise}", *says), fix, gaming)


NETS = {"first": lambda: two_nets()[0], "second": lambda: two_nets()[1], "data": mnist}
SHARE = {"params": trained, "data": mnist}
ANSWERS = [
    answer_wrong("01-6", "the loss before the step", 0.113581, ("loss before the step",),
                 "take the step first"),
    answer_wrong("01-6", "a step uphill", tiny(1),
                 ("uphill",), "w - lr * d_w"),
    answer_wrong("01-6", "a step of lr 1", tiny(2),
                 ("lr 1",), "lr 0.5"),
    answer_wrong("01-6", "cross-entropy after the step",
                 tiny(3), ("cross-entropy",),
                 "the quadratic loss"),
    answer_wrong("01-6", "no 1/2 in the quadratic loss",
                 tiny(5), ("without the 1/2",), "L = (y_hat - y)^2 / 2"),
    answer_wrong("01-6", "a guess (a constant)", 0.1, ("is not 0.1",), "Redo the table's rows",
                 gaming=True),
    answer_wrong("01-7", "the quadratic loss's d_u5", tiny(6),
                 ("quadratic loss's d_u5",), "sigma'(u5) cancels"),
    answer_wrong("01-7", "sign flipped", 0.476615, ("sign is wrong",), "y_hat - y"),
    answer_wrong("01-7", "y_hat itself", tiny(8),
                 ("y_hat itself",), "minus the target"),
    answer_wrong("01-7", "the loss, not its derivative",
                 tiny(9), ("not its derivative",), "y_hat - y"),
    answer_wrong("01-7", "a (1, 2) array", np.zeros((1, 2)), ("expected one number",),
                 "Pass the single entry you mean"),
    answer_wrong("01-7", "rounded to two digits (a guess near it)", -0.48, ("is rounded",),
                 "give all the digits", gaming=True),
    answer_wrong("02-4", "Run 2's rate unchanged", 0.01, ("Run 2's rate",),
                 "Which rate makes"),
    answer_wrong("02-4", "multiplied by the batch size (10 times too large)", 0.1,
                 ("multiplies by the batch size",), "must shrink"),
    answer_wrong("02-4", "divided by the training set's size", 0.01 / 3000,
                 ("training set's size",), "one minibatch of 10"),
    answer_wrong("02-4", "divided by the batch size twice", 0.0001, ("batch size twice",),
                 "divide once"),
    answer_wrong("02-4", "float32 arithmetic", float(np.float32(0.01) / np.float32(10)),
                 ("float32's precision", "a matter of precision"), "compute in float64"),
    answer_wrong("02-4", "zero (a constant)", 0.0, ("is not 0.0",), "step by step",
                 gaming=True),
    answer_wrong("02-7", "a percentage", 1.0, ("percentage",), "give the fraction",
                 history=HISTORY),
    answer_wrong("02-7", "final minus best", -0.01, ("final minus the best",), "not negative",
                 history=HISTORY),
    answer_wrong("02-7", "the best accuracy itself", 0.93, ("best validation accuracy itself",),
                 "the best minus the final", history=HISTORY),
    answer_wrong("02-7", "best minus the first epoch", 0.13, ("FIRST epoch",), "final (last)",
                 history=HISTORY),
    answer_wrong("02-7", "from the training accuracy", 0.03, ("training accuracy",),
                 "history['val_acc']", history=HISTORY),
    answer_wrong("02-7", "the notebook's 0.0004 copied (another run's answer)", 0.0004,
                 ("is not 0.0004",), "step by step", gaming=True, history=HISTORY),
    answer_wrong("03-5", "by the final epoch", 1.0, ("final epoch's validation accuracy",),
                 "best_val_acc", runs=runs_03_5),
    answer_wrong("03-5", "by the maximum over seeds", 3.0, ("maximum over the seeds",),
                 ".mean()", runs=runs_03_5),
    answer_wrong("03-5", "by the training accuracy", 0.3, ("training accuracy",),
                 "validation set", runs=runs_03_5),
    answer_wrong("03-5", "the accuracy, not the lr", 0.94, ("not the learning rate",),
                 "give the lr", runs=runs_03_5),
    answer_wrong("03-5", "the smallest rate, a guess", 0.01, ("is not 0.01",),
                 "step by step", gaming=True, runs=runs_03_5),
    answer_wrong("04-2", "counts swapped", lambda: counts()[::-1], ("swapped",),
                 "first (first right and second wrong)", **NETS),
    answer_wrong("04-2", "the sum of the counts", lambda: sum(counts()), ("not their sum",),
                 "as a pair", **NETS),
    answer_wrong("04-2", "the difference", lambda: counts()[0] - counts()[1],
                 ("not their difference",), "as a pair", **NETS),
    answer_wrong("04-2", "on the validation set", lambda: val_counts(), ("validation set",),
                 "on the test set", **NETS),
    answer_wrong("04-2", "a made-up pair (a constant)", (100, 10), ("is not (100, 10)",),
                 "step by step", gaming=True, **NETS),
    answer_wrong("04-5", "a percentage", lambda: share(percent=True), ("percentage",),
                 "give the fraction", **SHARE),
    answer_wrong("04-5", "over all test images", lambda: share(over_all=True),
                 ("ALL test images",), "misclassified ones only", **SHARE),
    answer_wrong("04-5", "the third-largest output", lambda: share(2), ("third-largest",),
                 "column 1", **SHARE),
    answer_wrong("04-5", "the largest output (argmax)", lambda: share(0), ("LARGEST output",),
                 "take the second-largest", **SHARE),
    answer_wrong("04-5", "the test accuracy instead", lambda: acc_right(trained(),
                                                                        mnist().test.X,
                                                                        mnist().test.y),
                 ("test accuracy",), "the share asked for", **SHARE),
    answer_wrong("04-5", "one third, a guess", 1 / 3, ("is not",), "step by step",
                 gaming=True, **SHARE),
]



ANSWERS_RIGHT = [
    Right("check_answer 01-6", "computed with the package",
          lambda: checks.check_answer("01-6", checks.answers.tiny_answers()["01-6"][1])),
    Right("check_answer 01-7", "as a (1, 1) array, d_u5 itself",
          lambda: checks.check_answer("01-7", np.array([[-0.4766154917]]))),
    Right("check_answer 02-4", "0.01 / 10", lambda: checks.check_answer("02-4", 0.01 / 10)),
    Right("check_answer 02-7", "best minus final", answer("02-7", 0.01, history=HISTORY)),
    Right("check_answer 03-5", "by the mean best epoch", answer("03-5", 0.1, runs=runs_03_5)),
    Right("check_answer 04-2", "the pair (b, c)", answer("04-2", counts, **NETS)),
    Right("check_answer 04-2", "a list [b, c]", answer("04-2", lambda: list(counts()), **NETS)),
    Right("check_answer 04-5", "the share", answer("04-5", share, **SHARE)),
]

WRONG: list[Wrong] = [*SGD, *TRAINED, *TUNING, *ACCURACY, *ANSWERS]
RIGHT: list[Right] = [*SGD_RIGHT, *TRAINED_RIGHT, *TUNING_RIGHT, *ACCURACY_RIGHT,
                      *ANSWERS_RIGHT]
