"""``orbitviz vetting [--retrain]``: the transit-vetting classifier's cross-validated numbers,
and retraining it (seconds; the result is cached)."""

from __future__ import annotations

import argparse

from ..cli_types import examples


def add_parser(sub) -> None:
    p = sub.add_parser(
        "vetting",
        help="the transit-vetting classifier: its cross-validated scores; --retrain trains it",
        description="Show the vetting classifier that gives orbitviz transit its p_planet "
        "(trained on the KOI table's CONFIRMED and FALSE POSITIVE dispositions, split by star, "
        "calibrated): its cross-validated ROC AUC and log-loss, the training set, and where it "
        "is cached. --retrain trains it afresh (a few seconds) and caches it.",
        epilog=examples("orbitviz vetting"),
    )
    p.add_argument("--retrain", action="store_true", help="train afresh and cache the result")
    p.set_defaults(func=cmd_vetting)


def cmd_vetting(args: argparse.Namespace) -> int:
    import sys
    import time

    from ..exoplanets import classifier

    if args.retrain:
        print("training on the KOI table ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    trained = classifier.model(retrain=args.retrain)
    took = time.perf_counter() - start
    m = trained.metrics
    print(
        f"ROC AUC   {m['auc']:.3f} ± {m['auc_std']:.3f} (cross-validated over {len(m['fold_auc'])} "
        "folds split by star)"
    )
    print(f"log-loss  {m['log_loss']:.3f} ± {m['log_loss_std']:.3f}")
    print(
        f"trained on {m['n_train']:,} KOIs of {m['n_stars']:,} stars, {m['n_positives']:,} "
        f"confirmed; features: {', '.join(m['features'])}"
    )
    print(f"cached at {classifier.cache_path()}")
    print(f"({'trained' if args.retrain else 'loaded'} in {took:.1f} s)")
    return 0
