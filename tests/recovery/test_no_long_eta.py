"""No task is scheduled more than five minutes ahead: deadlines live in the database, not in Redis.

With Redis, a message whose ETA lies beyond the visibility timeout is handed
out again every timeout, and an ETA message held by a worker that dies waits
in Redis until that timeout passes; a deadline kept only there is at risk. So
the beat reads the deadlines from the database every minute and schedules only
what falls due before its next run. These checks read the source with ``ast``,
so a new long ETA fails here, naming its file and line, before it ships.

They see keywords written at the call (``eta=``, ``countdown=``), not options
built in a dict and passed as ``**options``; review catches those.
"""

import ast
import inspect
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab, maybe_schedule
from django.conf import settings

from config.celery import app
from recovery.deadlines import LOOKAHEAD

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("complaints", "recovery", "notifications", "config")
MAX_AHEAD = timedelta(minutes=5)
# A retry is not a deadline: it sends again an email whose outbox row the
# sweep requeues if the retry is lost. Ten minutes is Celery's own cap on
# backoff; what matters is staying well under the visibility timeout, past
# which Redis would hand the waiting retry out a second time.
MAX_RETRY_DELAY = timedelta(minutes=10)

# The only functions that may pass ``eta=``. Each is a scheduler handed to
# ``deadlines_sweep(schedule=...)``, which calls it only with deadlines from
# ``upcoming_deadlines(now=now, until=now + LOOKAHEAD)``; the tests below hold
# the source to both halves of that. (test_deadline_sweep checks the dates.)
SWEEP_SCHEDULERS = {("recovery/tasks.py", "schedule_breach")}


def source_files():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def walk(node, function=None):
    """Every node under ``node``, with the name of the function it is written in."""
    for child in ast.iter_child_nodes(node):
        inner = (
            child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
        )
        yield inner, child
        yield from walk(child, inner)


def parsed():
    for path in source_files():
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), filename=str(path))


def delay_keywords(name):
    """(file, line, function, call, keyword) for every call passing ``name=``."""
    for file, tree in parsed():
        for function, node in walk(tree):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == name:
                        yield file, node.lineno, function, node, keyword


def is_retry(call):
    return isinstance(call.func, ast.Attribute) and call.func.attr == "retry"


def test_no_countdown_is_longer_than_five_minutes_or_ten_for_a_retry():
    problems = []
    for file, line, function, call, keyword in delay_keywords("countdown"):
        if is_retry(call):
            limit, advice = MAX_RETRY_DELAY, "a retry waits no longer than that"
        else:
            limit, advice = MAX_AHEAD, "keep the deadline in the database and let the sweep find it"
        value = keyword.value
        where = f"{file}:{line} in {function}()"
        if not (isinstance(value, ast.Constant) and isinstance(value.value, int | float)):
            problems.append(
                f"{where}: countdown={ast.unparse(value)} is not a number this test can bound; "
                f"write a literal of at most {limit.total_seconds():.0f} s"
            )
        elif value.value > limit.total_seconds():
            problems.append(
                f"{where}: countdown={value.value} s is more than {limit.total_seconds():.0f} s; "
                + advice
            )
    assert not problems, "\n".join(problems)


def test_only_the_sweeps_scheduler_passes_an_eta():
    problems = [
        f"{file}:{line} in {function}(): eta={ast.unparse(keyword.value)} outside the sweep's "
        "scheduler; store the deadline on the row and let deadlines_sweep schedule it"
        for file, line, function, _call, keyword in delay_keywords("eta")
        if (file, function) not in SWEEP_SCHEDULERS
    ]
    assert not problems, "\n".join(problems)


def test_the_sweeps_scheduler_is_handed_only_what_falls_due_within_the_lookahead():
    assert LOOKAHEAD <= MAX_AHEAD, f"recovery.deadlines.LOOKAHEAD is {LOOKAHEAD}"
    names = {function for _file, function in SWEEP_SCHEDULERS}
    problems = []
    for file, tree in parsed():
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for function, node in walk(tree):
            # Anywhere it is used, a scheduler is only passed as deadlines_sweep(schedule=...).
            if isinstance(node, ast.Name) and node.id in names:
                keyword = parents[node]
                call = parents.get(keyword)
                if not (
                    isinstance(keyword, ast.keyword)
                    and keyword.arg == "schedule"
                    and isinstance(call, ast.Call)
                    and ast.unparse(call.func).endswith("deadlines_sweep")
                ):
                    problems.append(
                        f"{file}:{node.lineno} in {function}(): {node.id} used other than as "
                        "deadlines_sweep(schedule=...)"
                    )
            # And the sweep only calls schedule() in its loop over what falls due soon.
            if (
                function == "deadlines_sweep"
                and isinstance(node, ast.Name)
                and node.id == "schedule"
            ):
                use = parents[node]
                if isinstance(use, ast.Compare):  # `schedule is not None`
                    continue
                if not (
                    isinstance(use, ast.Call)
                    and use.func is node
                    and _in_lookahead_loop(use, parents)
                ):
                    problems.append(
                        f"{file}:{node.lineno}: deadlines_sweep uses schedule outside "
                        "`for ... in upcoming_deadlines(now=now, until=now + LOOKAHEAD)`"
                    )
    assert not problems, "\n".join(problems)


def _in_lookahead_loop(node, parents):
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.For) and isinstance(node.iter, ast.Call):
            loop = node.iter
            until = {k.arg: ast.unparse(k.value) for k in loop.keywords}.get("until")
            if ast.unparse(loop.func) == "upcoming_deadlines" and until == "now + LOOKAHEAD":
                return True
    return False


def test_the_beat_reads_the_deadlines_at_least_once_a_minute_and_the_lookahead_spans_the_gap():
    runs = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "recovery.enforce_deadlines"
    ]
    assert runs, "CELERY_BEAT_SCHEDULE does not run recovery.enforce_deadlines"
    for entry in runs:
        schedule = maybe_schedule(entry["schedule"])
        if isinstance(schedule, crontab):
            assert len(schedule.minute) == 60, f"enforce-deadlines runs only at {schedule}"
            every = timedelta(minutes=1)
        else:
            every = schedule.run_every
        assert every <= timedelta(seconds=60), f"enforce-deadlines runs every {every}"
        # A deadline falling between two runs must be scheduled by the first.
        assert every <= LOOKAHEAD, (
            f"the look-ahead ({LOOKAHEAD}) is shorter than the beat ({every})"
        )


def test_retry_delays_stay_under_ten_minutes_and_the_visibility_timeout():
    visibility = timedelta(
        seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    )
    assert visibility > MAX_RETRY_DELAY, f"the visibility timeout is only {visibility}"
    app.loader.import_default_modules()
    problems = []
    for name, task in sorted(app.tasks.items()):
        if name.startswith("celery."):
            continue
        delays = {"default_retry_delay": task.default_retry_delay}
        if getattr(task, "autoretry_for", ()) and task.retry_backoff:
            delays["retry_backoff_max"] = task.retry_backoff_max
        for option, seconds in delays.items():
            if seconds > MAX_RETRY_DELAY.total_seconds():
                function = task.__wrapped__  # what the decorator wrapped, even with autoretry
                file = Path(inspect.getsourcefile(function)).relative_to(ROOT)
                line = inspect.getsourcelines(function)[1]
                problems.append(f"{file}:{line}: {name} has {option}={seconds} s")
    assert not problems, "\n".join(problems)
