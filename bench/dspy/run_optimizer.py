"""Runs one DSPy optimizer on a task split exported by bench/dspy-compare.ts and writes what it did.

Reads the split file (task signature, seed instruction, metric, train/val/test examples), compiles
a dspy.Predict program with MIPROv2, GEPA or BootstrapFewShotWithRandomSearch (or none, for the
unoptimized seed program) against an OpenAI-compatible endpoint, then predicts the test split.
The model server's /stats counters are read before and after compiling, so the driver can tell
search calls from test calls. Test predictions are written out and scored by the driver with the
project's own metric code; the metric here only steers the search.

Offline by construction: the environment the driver sets (see dspy-compare.ts) keeps litellm on
its bundled cost map, DSPy's disk cache off, and any non-loopback HTTP going to a dead proxy.
"""

import argparse
import json
import math
import os
import random
import time
import urllib.request
from typing import Any, Literal

import dspy
from dspy.adapters.json_adapter import _get_structured_outputs_response_format


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--split", required=True, help="split JSON written by dspy-compare.ts")
    p.add_argument("--optimizer", required=True, choices=["none", "mipro", "gepa", "bfsrs"])
    p.add_argument("--server", required=True, help="model server root, e.g. http://127.0.0.1:8787")
    p.add_argument("--api-key-env", default="BENCH_MODEL_KEY", help="environment variable holding the API key")
    p.add_argument("--task-model", required=True)
    p.add_argument("--prompt-model", required=True, help="proposer / reflection model")
    p.add_argument("--calls", type=int, required=True, help="target number of search calls")
    p.add_argument("--task-max-tokens", type=int, default=None, help="answer length cap for the task model")
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--adapter", choices=["chat", "json"], default="chat",
                   help="chat: DSPy's default ChatAdapter; json: JSONAdapter with a json_schema response_format")
    p.add_argument("--seed", type=int, default=1, help="the optimizer's seed (BootstrapFewShotWithRandomSearch: "
                                                        "the order of the train split it bootstraps from)")
    p.add_argument("--out", required=True)
    return p.parse_args()


# ---- the task, as DSPy sees it -------------------------------------------------------------------


def output_type(spec: dict[str, Any]) -> Any:
    kind = spec["type"]
    if kind == "enum":
        return Literal[tuple(spec["values"])]  # type: ignore[valid-type]
    if kind == "number":
        return int if spec.get("integer") else float
    if kind == "boolean":
        return bool
    return str


def make_signature(task: dict[str, Any]) -> type[dspy.Signature]:
    fields: dict[str, Any] = {}
    for name, spec in task["inputs"].items():
        fields[name] = (str, dspy.InputField(desc=spec.get("description") or ""))
    for name, spec in task["outputs"].items():
        fields[name] = (output_type(spec), dspy.OutputField(desc=spec.get("description") or ""))
    return dspy.Signature(fields, task["instructions"])


def to_examples(rows: list[dict[str, Any]], input_names: list[str]) -> list[dspy.Example]:
    return [dspy.Example(**row["inputs"], **row["outputs"]).with_inputs(*input_names) for row in rows]


class StructuredJSONAdapter(dspy.JSONAdapter):
    """JSONAdapter that always asks for the signature's JSON schema (response_format json_schema).

    DSPy sends a schema only to models its capability tables list as supporting one, and a local
    OpenAI-compatible endpoint is in none of them; the model server enforces the schema with a
    grammar for its real models, as it does for promptevo's requests.
    """

    def _prepare_response_format(self, lm, lm_kwargs, signature):
        lm_kwargs["response_format"] = _get_structured_outputs_response_format(
            signature, self.use_native_function_calling)


# ---- the task's metric (the same definition as core/metrics; the driver re-scores the test split) --


def js_text(value: Any) -> str:
    """The text JavaScript's `typeof v === 'string' ? v : JSON.stringify(v) ?? ''` gives."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""  # a missing field (undefined in JavaScript)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def f1_tokens(value: Any) -> list[str]:
    """core/metrics/token-f1.ts `tokenize`: lower-cased; anything but letters, digits and whitespace
    becomes a space; split on whitespace; the articles a, an, the dropped."""
    text = "".join(c if c.isalpha() or c.isnumeric() or c.isspace() else " " for c in js_text(value).lower())
    return [t for t in text.split() if t not in ("a", "an", "the")]


def token_f1(predicted: Any, expected: Any) -> float:
    """core/metrics/token-f1.ts `tokenF1`: SQuAD-style token F1 with multiset overlap."""
    got, want = f1_tokens(predicted), f1_tokens(expected)
    if not got or not want:
        return 1.0 if len(got) == len(want) else 0.0
    counts: dict[str, int] = {}
    for t in want:
        counts[t] = counts.get(t, 0) + 1
    overlap = 0
    for t in got:
        if counts.get(t, 0) > 0:
            overlap += 1
            counts[t] -= 1
    if overlap == 0:
        return 0.0
    precision, recall = overlap / len(got), overlap / len(want)
    return 2 * precision * recall / (precision + recall)


def make_scorer(task: dict[str, Any]):
    metric = task["metric"]
    outputs = task["outputs"]
    field = metric.get("field") or next(iter(outputs))
    # token_f1 without a field averages over every output field, as core/metrics does.
    f1_fields = [field] if metric.get("field") else list(outputs)

    def norm(value: Any) -> str:
        text = " ".join(str(value).split())
        return text if metric.get("caseSensitive") else text.lower()

    def score(expected: Any, got: Any) -> tuple[float, str]:
        if metric["kind"] == "exact_match":
            if got is not None and norm(got) == norm(expected):
                return 1.0, f"Correct: the {field} is {expected}."
            return 0.0, f"Wrong: the answer was {got!r}, but the correct {field} is {expected}."
        if metric["kind"] == "numeric":
            try:
                value = float(got)
                if not math.isfinite(value):
                    raise ValueError
            except (TypeError, ValueError):
                return 0.0, f"The answer {got!r} is not a number; the correct {field} is {expected}."
            error = abs(value - float(expected))
            if error <= metric.get("tolerance", 0):
                return 1.0, f"Correct: the {field} is {expected}."
            rng = metric.get("range") or {"min": outputs[field].get("min", 0), "max": outputs[field].get("max", 1)}
            s = max(0.0, min(1.0, 1 - error / (rng["max"] - rng["min"])))
            direction = "too high" if value > float(expected) else "too low"
            return s, f"Off by {error:g} ({direction}): the answer was {value:g}, but the correct {field} is {expected}."
        raise SystemExit(f"metric kind {metric['kind']!r} is not supported by the DSPy benchmark")

    def predicted(pred: Any, name: str = field) -> Any:
        return getattr(pred, name, None) if pred is not None else None

    def f1_score(gold, pred) -> tuple[float, str]:
        scores, notes = [], []
        for name in f1_fields:
            s = token_f1(predicted(pred, name), gold[name])
            scores.append(s)
            if s < 1:
                got = f1_tokens(predicted(pred, name))
                missing = [t for t in f1_tokens(gold[name]) if t not in got]
                detail = f"missing words: {', '.join(missing[:8])}" if missing else "extra words in the answer"
                # Name the whole expected answer, as the exact-match and numeric feedback do.
                notes.append(f"Token F1 {s:.2f} ({detail}): the correct {name} is {gold[name]}.")
        total = sum(scores) / len(scores)
        return total, " ".join(notes) or f"Correct: token F1 {total:.2f}."

    def any_score(gold, pred) -> tuple[float, str]:
        if metric["kind"] == "token_f1":
            return f1_score(gold, pred)
        return score(gold[field], predicted(pred))

    def plain_metric(example, pred, trace=None) -> float | bool:
        s, _ = any_score(example, pred)
        # While bootstrapping (trace given), only fully correct traces become demos.
        return s >= 1.0 if trace is not None else s

    def feedback_metric(gold, pred, trace=None, pred_name=None, pred_trace=None) -> dspy.Prediction:
        s, feedback = any_score(gold, pred)
        return dspy.Prediction(score=s, feedback=feedback)

    return plain_metric, feedback_metric


# ---- counting what reached the model server ------------------------------------------------------


def server_stats(server: str, api_key: str) -> dict[str, Any]:
    # The server's counters need its key, like its completions.
    request = urllib.request.Request(f"{server}/stats", headers={"Authorization": f"Bearer {api_key}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["models"]


def main() -> None:
    args = parse_args()
    split = json.load(open(args.split))
    task = split["task"]
    input_names = list(task["inputs"])
    output_names = list(task["outputs"])
    trainset = to_examples(split["train"], input_names)
    valset = to_examples(split["val"], input_names)
    testset = to_examples(split["test"], input_names)
    plain_metric, feedback_metric = make_scorer(task)

    api_base = f"{args.server}/v1"
    api_key = os.environ[args.api_key_env]
    # Evaluation at temperature 0, as promptevo evaluates; proposals sampled, as DSPy's own examples do.
    task_lm = dspy.LM(f"openai/{args.task_model}", api_base=api_base, api_key=api_key, temperature=0.0,
                      max_tokens=args.task_max_tokens, num_retries=3)
    prompt_lm = dspy.LM(f"openai/{args.prompt_model}", api_base=api_base, api_key=api_key, temperature=1.0,
                        num_retries=3)
    # An unparseable answer scores 0 (as in promptevo) instead of aborting the run after a few.
    no_abort = 10**9
    adapter = StructuredJSONAdapter() if args.adapter == "json" else dspy.ChatAdapter()
    dspy.configure(lm=task_lm, adapter=adapter, max_errors=no_abort)
    program = dspy.Predict(make_signature(task))
    settings: dict[str, Any] = {}
    n_val, n_train, budget = len(valset), len(trainset), args.calls

    before = server_stats(args.server, api_key)
    started = time.monotonic()
    settings["adapter"] = args.adapter
    settings["seed"] = args.seed
    if args.optimizer == "mipro":
        # Fixed per-run costs: one full evaluation of the seed, a dataset summary (a call per 10 train
        # examples and one more), a program description (2), one proposal per instruction candidate,
        # bootstrapping (up to the train set once), and a full evaluation every 5 trials.
        candidates = 6
        minibatch = max(5, min(35, n_val // 3))
        fixed = n_val + n_train // 10 + 3 + candidates + min(n_train, candidates * 8)
        # A trial costs a minibatch plus a fifth of a full evaluation, less what DSPy's cache answers
        # (measured here: about three quarters of that reaches the server).
        per_trial = 0.75 * (minibatch + n_val / 5)
        trials = max(3, int((budget - fixed) / per_trial))
        settings |= {"auto": None, "num_candidates": candidates, "num_trials": trials, "minibatch_size": minibatch,
                    "max_bootstrapped_demos": 4, "max_labeled_demos": 4}
        optimizer = dspy.MIPROv2(metric=plain_metric, prompt_model=prompt_lm, task_model=task_lm, auto=None,
                                 num_candidates=candidates, num_threads=args.threads, seed=args.seed, max_errors=no_abort,
                                 max_bootstrapped_demos=4, max_labeled_demos=4, verbose=False)
        compiled = optimizer.compile(program, trainset=trainset, valset=valset, num_trials=trials,
                                     minibatch_size=minibatch, minibatch_full_eval_steps=5)
    elif args.optimizer == "gepa":
        # GEPA's budget counts metric calls (task-model rollouts), some of which DSPy's cache answers;
        # each iteration adds one reflection call (a 3-example minibatch, then the child on it: about
        # one reflection per 6 rollouts), so a seventh of the target is left to the reflection model.
        metric_calls = max(n_val + 10, budget * 6 // 7)
        settings |= {"max_metric_calls": metric_calls, "reflection_minibatch_size": 3,
                    "candidate_selection_strategy": "pareto", "use_merge": True}
        optimizer = dspy.GEPA(metric=feedback_metric, max_metric_calls=metric_calls, reflection_lm=prompt_lm,
                              reflection_minibatch_size=3, num_threads=args.threads, seed=args.seed,
                              track_stats=False)
        compiled = optimizer.compile(program, trainset=trainset, valset=valset)
    elif args.optimizer == "bfsrs":
        # Each candidate program is scored on the whole validation split; three fixed ones (zero-shot,
        # labeled demos only, unshuffled bootstrap) come first; bootstrapping runs on the train split.
        programs = max(1, int((budget - min(n_train, 40)) / n_val) - 3)
        # The optimizer's own candidate seeds are fixed (-3 .. programs); the run's seed orders the
        # train split it bootstraps and samples labeled demos from.
        random.Random(args.seed).shuffle(trainset)
        settings |= {"num_candidate_programs": programs, "max_bootstrapped_demos": 4, "max_labeled_demos": 4}
        optimizer = dspy.BootstrapFewShotWithRandomSearch(metric=plain_metric, max_bootstrapped_demos=4,
                                                          max_labeled_demos=4, num_candidate_programs=programs,
                                                          num_threads=args.threads, max_errors=no_abort)
        compiled = optimizer.compile(program, trainset=trainset, valset=valset)
    else:
        compiled = program
    search_seconds = time.monotonic() - started
    after_search = server_stats(args.server, api_key)

    evaluate = dspy.Evaluate(devset=testset, metric=plain_metric, num_threads=args.threads, display_progress=False,
                             failure_score=0.0, provide_traceback=False, max_errors=no_abort)
    result = evaluate(compiled)
    predictions = []
    for row, (_example, pred, _score) in zip(split["test"], result.results):
        outputs = {name: getattr(pred, name, None) for name in output_names} if pred is not None else {}
        predictions.append({"id": row["id"], "outputs": outputs})
    after_test = server_stats(args.server, api_key)

    predictor = compiled.predictors()[0]
    json.dump(
        {
            "optimizer": args.optimizer,
            "dspyVersion": dspy.__version__,
            "settings": settings,
            "searchSeconds": search_seconds,
            "stats": {"before": before, "afterSearch": after_search, "afterTest": after_test},
            "dspyTestScore": result.score / 100 if result.score > 1 else result.score,
            "predictions": predictions,
            "program": {"instructions": predictor.signature.instructions, "demos": len(predictor.demos)},
        },
        open(args.out, "w"),
        indent=2,
        default=str,
    )


if __name__ == "__main__":
    main()
