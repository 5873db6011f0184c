"""Soak: thousands of mixed actions in one window; objects, graphics items and memory must stay bounded.

Results and what they showed: benchmarks/README.md, "Soak".

python benchmarks/soak.py [--changes N] [--mix mixed|parameters|language] [--every K] [--census] [--worker]

``--mix parameters`` cycles heads, d_k, the mask, the sentence and the step
through the model, as the controls do (the original soak). ``--mix mixed``
(the default) does what a person does in a long session, in a fixed
pseudo-random order: type sentences, change heads, d_model, d_k, seed, the
mask and positions, step, pick a head, type into cells and reset the
edits, switch the language and the tabs. ``--mix language`` only switches
the language. First every panel of every layout is shown once (up to
MAX_HEADS heads); then every K actions (default 500), back in one fixed
state, it reports the graphics items in every scene, the live QObjects
and Qt widgets, the prepared texts (QStaticText), Python's traced memory
and the process RSS. ``--census`` also prints the Python object types
whose count grew most and the lines whose traced allocations grew most
(what is kept, and where).

Every action waits for its result (from the worker thread when the sizes send
it there; ``--worker`` sends every computation there).
"""

from __future__ import annotations

import collections
import dataclasses
import gc
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import machine, table  # noqa: E402
from waiting import ResultWaiter  # noqa: E402

from PySide6.QtCore import QObject  # noqa: E402
from PySide6.QtGui import QStaticText  # noqa: E402
from PySide6.QtWidgets import QApplication, QGraphicsView  # noqa: E402

from attention_stepper.core import Parameters  # noqa: E402
from attention_stepper.gui import i18n  # noqa: E402
from attention_stepper.gui.main_window import MainWindow  # noqa: E402
from attention_stepper.gui.model import AttentionModel  # noqa: E402
from attention_stepper.gui.screenshot import quiet_offscreen_size_hints  # noqa: E402

SENTENCES = ["我 爱 机器 学习", "猫吃鱼", "the cat sat on the mat", "一 二 三 四 五 六 七 八",
             "a b c d e f g h i j k l m n o p", "hello"]
STEPS = ["embed", "project", "scores", "scale", "mask", "softmax", "weighted_sum", "concat", "output"]
EDITABLE = ("embed", "w_q", "w_k", "w_v", "w_o")
#: The hostile sweep's range of heads (issue 13); the warm-up shows every panel of every head once.
MAX_HEADS = 6
#: Targets: not one graphics item, QObject or widget more, and under this much more memory after warming up.
MAX_GROWTH_MIB = 5.0


def rss_mib() -> float:
    with open("/proc/self/statm") as stream:
        return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def items(window) -> int:
    return sum(len(view.scene().items()) for view in window.findChildren(QGraphicsView) if view.scene())


def qobjects(app, window) -> int:
    """Every QObject reachable from the window or the application, and every top-level widget's tree."""
    roots = {id(o): o for o in (window, app, *app.topLevelWidgets())}
    return sum(1 + len(root.findChildren(QObject)) for root in roots.values())


def live(kind: type) -> int:
    """Python-held objects of ``kind`` (for Qt classes, the wrappers Python keeps alive)."""
    return sum(type(o) is kind for o in gc.get_objects())


#: The model's ResultWaiter (benchmarks/waiting.py), for the helpers below.
WAITERS: list[ResultWaiter] = []


def wait_for_result() -> None:
    """Until the newest computation is shown (immediately when nothing is on the worker)."""
    if WAITERS:
        WAITERS[0]()
    else:
        QApplication.processEvents()


def settle(window) -> None:
    """Back to one fixed state, every pooled panel included, so counts taken at different times compare."""
    model = window.model
    model.reset_edits()
    model.set_parameters(**dataclasses.asdict(Parameters()))
    wait_for_result()
    warm_up(window)
    model.set_parameters(**dataclasses.asdict(Parameters()))
    wait_for_result()
    model.first()
    model.set_head(None)
    window.tabs.setCurrentIndex(0)
    wait_for_result()


def warm_up(window) -> None:
    """Show every step with every head count and every head once, so every panel exists before measuring.

    The step view keeps one panel per (matrix, head) it has shown and the
    head statistics one per head: their number is the most ever shown, not
    a leak, so the soak measures from there.
    """
    model = window.model
    for causal in (True, False):  # the mask step exists only with the mask on
        for heads in range(1, MAX_HEADS + 1):
            model.set_parameters(heads=heads, causal=causal)
            wait_for_result()  # the steps there are come with the result
            for step in model.steps:
                model.go_to(step.key)
                for head in [None, *range(heads)]:
                    model.set_head(head)
                    wait_for_result()
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        wait_for_result()
    for language in ("zh_CN", "en"):
        window.set_language(language)
        wait_for_result()


def census() -> collections.Counter:
    gc.collect()
    return collections.Counter(type(o).__qualname__ for o in gc.get_objects())


def parameter_action(model, app, i: int) -> None:
    """The original soak's cycle: heads, d_k, mask, sentence, step."""
    kind = i % 5
    if kind == 0:
        model.set_parameters(heads=1 + i % 4)
    elif kind == 1:
        model.set_parameters(d_k=2 + i % 6)
    elif kind == 2:
        model.set_parameters(causal=bool(i % 3))
    elif kind == 3:
        model.set_parameters(sentence=SENTENCES[i % 4])
    else:
        model.go_to(["scores", "softmax", "weighted_sum", "project", "concat", "output"][i % 6])


def mixed_action(window, rng: random.Random) -> str:
    """One thing a person does, chosen by ``rng``; returns its name."""
    model = window.model
    controls = window.controls
    kind = rng.choice(["sentence", "heads", "d_model", "d_k", "seed", "mask", "positions", "step", "step",
                       "head", "edit", "reset", "language", "tab", "tab"])
    if kind == "sentence":
        controls.sentence.editor.setText(rng.choice(SENTENCES))
        controls.sentence.submit()
    elif kind == "heads":
        controls.heads.editor.setValue(rng.randint(1, MAX_HEADS))
    elif kind == "d_model":
        controls.d_model.editor.setValue(rng.randint(1, 16))
    elif kind == "d_k":
        controls.d_k.editor.setValue(rng.randint(1, 9))
    elif kind == "seed":
        controls.seed.editor.setValue(rng.randint(0, 2**31 - 1))
    elif kind == "mask":
        controls.causal.editor.setChecked(not controls.causal.editor.isChecked())
    elif kind == "positions":
        box = controls.positional_encoding.editor
        box.setChecked(not box.isChecked())
    elif kind == "step":
        model.go_to(rng.choice([s.key for s in model.steps]))
    elif kind == "head":
        selector = window.step_bar.head_selector
        selector.setCurrentIndex(rng.randrange(selector.count()))
    elif kind == "edit":
        key = rng.choice(EDITABLE)
        head = None if key in ("embed", "w_o") else rng.randrange(model.parameters.heads)
        matrix = model.computation.matrix(key, head)
        window.edit_cell(key, -1 if head is None else head, rng.randrange(matrix.shape[0]),
                         rng.randrange(matrix.shape[1]), round(rng.uniform(-2, 2), 3))
    elif kind == "reset":
        model.reset_edits()
    elif kind == "language":
        window.set_language("zh_CN" if i18n.current_language() == "en" else "en")
    else:
        window.tabs.setCurrentIndex(rng.randrange(window.tabs.count()))
    return kind


def main() -> int:
    args = sys.argv
    changes = int(args[args.index("--changes") + 1]) if "--changes" in args else 2000
    mix = args[args.index("--mix") + 1] if "--mix" in args else "mixed"
    every = int(args[args.index("--every") + 1]) if "--every" in args else 500
    show_census = "--census" in args
    quiet_offscreen_size_hints()  # offscreen, the windows' size hints go nowhere: no news
    app = QApplication.instance() or QApplication([])
    model = AttentionModel()
    if "--worker" in sys.argv:
        model.immediate_seconds = -1.0  # every computation on the worker thread
    window = MainWindow(model)
    window.show()
    rng = random.Random(2026)
    done = collections.Counter()
    wait = ResultWaiter(model)
    WAITERS.append(wait)

    def act(i: int) -> None:
        if mix == "parameters":
            parameter_action(model, app, i)
        elif mix == "language":
            window.set_language("zh_CN" if i % 2 == 0 else "en")
        else:
            done[mixed_action(window, rng)] += 1
        wait()

    warm_up(window)
    for i in range(300):
        act(i)

    def row(label: str, count: int) -> list:
        settle(window)
        gc.collect()
        return [label, count, items(window), qobjects(app, window), len(app.allWidgets()), live(QStaticText),
                f"{tracemalloc.get_traced_memory()[0] / 2**20:.2f}", f"{rss_mib():.1f}"]

    gc.collect()
    tracemalloc.start(8 if show_census else 1)
    before_types = census() if show_census else None
    before_snapshot = tracemalloc.take_snapshot() if show_census else None
    rows = [row("start", 0)]
    start = time.perf_counter()
    for i in range(changes):
        act(i)
        if (i + 1) % every == 0 or i + 1 == changes:
            rows.append(row(f"after {i + 1}", i + 1))
            print(" | ".join(str(cell) for cell in rows[-1]), flush=True)
    elapsed = time.perf_counter() - start
    where = "every computation on the worker thread" if "--worker" in sys.argv else "small ones at once, as the app does"
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}; {changes} {mix} actions ({where}) in {elapsed:.1f} s ({elapsed / changes * 1000:.1f} ms each)")
    if done:
        print("actions: " + ", ".join(f"{name} {count}" for name, count in sorted(done.items())))
    print(table(["when", "actions", "graphics items", "QObjects", "widgets", "QStaticText", "traced MiB", "RSS MiB"],
                rows))
    if show_census:
        grown = census() - before_types
        print("Python objects that grew most: " + ", ".join(f"{name} +{n}" for name, n in grown.most_common(12)))
        for stat in tracemalloc.take_snapshot().compare_to(before_snapshot, "traceback")[:8]:
            print(f"{stat.size_diff / 1024:+.0f} KiB in {stat.count_diff:+d} blocks at")
            print("    " + "\n    ".join(stat.traceback.format()[-6:]))
    # Objects are counted from the start (every panel exists by then); caches and memory once the
    # first `every` actions have warmed them (the panels' prepared texts, Qt's and the allocator's).
    warm = rows[1] if len(rows) > 2 else rows[0]
    growth = {
        "graphics items": rows[-1][2] - rows[0][2],
        "QObjects": rows[-1][3] - rows[0][3],
        "widgets": rows[-1][4] - rows[0][4],
        f"QStaticText after the first {warm[1]}": rows[-1][5] - warm[5],
    }
    traced_growth = float(rows[-1][6]) - float(warm[6])
    rss_growth = float(rows[-1][7]) - float(warm[7])
    bounded = all(n <= 0 for n in growth.values()) and traced_growth < MAX_GROWTH_MIB and rss_growth < MAX_GROWTH_MIB
    print(f"soak ({mix}): " + ", ".join(f"{name} {n:+d}" for name, n in growth.items())
          + f"; after the first {warm[1]}: traced memory {traced_growth:+.2f} MiB, RSS {rss_growth:+.1f} MiB "
          f"(targets: counts constant, memory < {MAX_GROWTH_MIB:g} MiB): " + ("bounded" if bounded else "GROWING"))
    window.close()
    return 0  # like the other benchmarks: the verdict is printed, for a person to read


if __name__ == "__main__":
    sys.exit(main())
