"""After its row is created, only ``recovery/workflow/`` writes a ticket.

``transition()`` and the sweep's bulk writers are where a ticket's status,
deadlines, ``due_at``, ``version`` and ``updated_at`` are derived; a write
anywhere else (a view, a task, a test moving a deadline, a benchmark's loader)
would skip that and leave a row no move could have made. These checks read
the source with ``ast`` and fail, naming the file and line, on:

- ``.update()``, ``.bulk_update()`` or ``.update_or_create()`` on a chain
  rooted at ``Ticket`` (``Ticket.objects.filter(...).update(...)``), or on a
  variable assigned from such a chain in the same function;
- ``.save()`` on ``Ticket(...)``, on a variable assigned from a ``Ticket``
  chain, or on a name that says ticket (``ticket``, ``self.ticket``,
  ``old_ticket``);
- a SQL string that writes the ticket table (``UPDATE``, ``INSERT INTO``,
  ``DELETE FROM`` or ``COPY ... FROM`` on ``recovery_ticket``, not
  ``recovery_ticketevent``).

Creating a row is allowed (``Ticket.objects.create``, ``bulk_create``: the
factories insert tickets with chosen columns). A queryset reached through a
selector (``awaiting_callback().update(...)``) is invisible here; the test
suite's database guard (tests/conftest.py) catches those at run time.
Migrations are history, and this file holds planted examples, so both are
left out.
"""

import ast
import re
from pathlib import Path

import pytest

from recovery.models import Ticket
from tests.factories import ticketed_complaint

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "shared",
    "complaints",
    "recovery",
    "notifications",
    "privacy",
    "review",
    "config",
    "tests",
    "bench",
)
WRITER = "recovery/workflow/"
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()

WRITES = {"update", "bulk_update", "update_or_create"}
# What a chain from ``Ticket`` to a queryset or a row may pass through.
CHAIN = {
    "objects",
    "_base_manager",
    "_default_manager",
    "all",
    "filter",
    "exclude",
    "select_for_update",
    "select_related",
    "prefetch_related",
    "order_by",
    "only",
    "defer",
    "annotate",
    "alias",
    "distinct",
    "using",
    "get",
    "first",
    "last",
    "latest",
    "earliest",
    "create",
    "get_or_create",
}
SQL_WRITE = re.compile(
    r"\b(?:UPDATE|INSERT\s+INTO|DELETE\s+FROM|COPY)\s+\"?recovery_ticket\b\"?(?!\w)", re.IGNORECASE
)


def source_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if "migrations" in path.parts or name.startswith(WRITER) or name == THIS_FILE:
                continue
            yield name, path.read_text()


def _from_ticket(node, tainted):
    """Whether ``node`` is ``Ticket``, ``Ticket(...)`` or a manager/queryset chain from either."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Attribute):
            if node.attr not in CHAIN:
                return False
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id == "Ticket" or node.id in tainted
        else:
            return False


def _says_ticket(node):
    name = (
        node.id
        if isinstance(node, ast.Name)
        else node.attr
        if isinstance(node, ast.Attribute)
        else ""
    )
    return "ticket" in name.lower()


def _scope_nodes(scope):
    """The nodes of one function (or module), not those of the functions inside it."""
    for child in ast.iter_child_nodes(scope):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        yield child
        yield from _scope_nodes(child)


def _names(target):
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _names(element)


def _tainted(nodes, inherited):
    """Variables assigned from a ``Ticket`` chain in this scope (assignments in any order)."""
    tainted = set(inherited)
    assignments = [
        (targets, node.value)
        for node in nodes
        for targets in (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign | ast.NamedExpr) and node.value is not None
            else []
        )
    ]
    grew = True
    while grew:
        grew = False
        for target, value in assignments:
            if _from_ticket(value, tainted):
                new = set(_names(target)) - tainted
                tainted |= new
                grew = grew or bool(new)
    return tainted


def _check_scope(scope, inherited, problems, file):
    nodes = list(_scope_nodes(scope))
    tainted = _tainted(nodes, inherited)
    for node in nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver, method = node.func.value, node.func.attr
            if method in WRITES and _from_ticket(receiver, tainted):
                problems.append(f"{file}:{node.lineno}: {ast.unparse(node.func)}() writes tickets")
            elif method == "save" and (_from_ticket(receiver, tainted) or _says_ticket(receiver)):
                problems.append(f"{file}:{node.lineno}: {ast.unparse(node.func)}() saves a ticket")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and (match := SQL_WRITE.search(node.value))
        ):
            line = node.lineno + node.value[: match.start()].count("\n")
            problems.append(f"{file}:{line}: SQL {match.group(0)!r} writes the ticket table")
    for function in _functions_inside(scope):
        _check_scope(function, tainted, problems, file)


def _functions_inside(scope):
    """The functions defined directly in ``scope`` (methods of its classes included)."""
    for child in ast.iter_child_nodes(scope):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            yield child
        else:
            yield from _functions_inside(child)


def ticket_writes(file, source):
    """``file:line: what`` for every ticket write outside the workflow in ``source``."""
    problems = []
    _check_scope(ast.parse(source, filename=file), set(), problems, file)
    return problems


def test_nothing_outside_the_workflow_writes_a_ticket_row():
    problems = [p for file, source in source_files() for p in ticket_writes(file, source)]
    assert not problems, (
        "only recovery/workflow/ writes a ticket after creation; move tests with "
        "time_machine or create the row in its state (tests/factories):\n" + "\n".join(problems)
    )


PLANTED = '''
from recovery.models import Survey, Ticket, TicketEvent


def moves_a_deadline(pk, now, survey, customer, counts):
    Ticket.objects.filter(pk=pk).update(callback_due_at=now)  # 6: flagged
    waiting = Ticket.objects.filter(status="new")
    due = waiting.order_by("id")[:10]
    due.update(reminder_due_at=None)  # 9: flagged, through two variables
    Ticket.objects.bulk_update([], ["status"])  # 10: flagged
    ticket = Ticket.objects.select_for_update().get(pk=pk)
    ticket.status = "resolved"
    ticket.save(update_fields=["status"])  # 13: flagged
    Ticket(pk=pk).save()  # 14: flagged
    row = Ticket.objects.get(pk=pk)
    row.save()  # 16: flagged: assigned from Ticket
    survey.save()
    customer.save()
    counts.update(breached=1)
    Survey.objects.filter(ticket=ticket).update(outcome="no_answer")
    TicketEvent.objects.filter(ticket__in=Ticket.objects.all()).count()
    ticket.complaint.customer.save()
    Ticket.objects.create(status="new")
    Ticket.objects.bulk_create([])
    sql = "SELECT id FROM recovery_ticket WHERE id = %s FOR UPDATE"
    events = "INSERT INTO recovery_ticketevent (ticket_id) SELECT id FROM recovery_ticket"


def writes_sql(cursor):
    cursor.execute("""
        UPDATE recovery_ticket t SET breached_at = now()""")  # 31: flagged
    cursor.execute('INSERT INTO "recovery_ticket" (status) VALUES (%s)')  # 32: flagged
    cursor.execute("delete from recovery_ticket where id = 1")  # 33: flagged


def a_nested_function_sees_its_enclosing_variables():
    tickets = Ticket.objects.all()

    def inner():
        tickets.update(status="new")  # 40: flagged

    return inner
'''


def test_the_checker_flags_each_planted_ticket_write_and_nothing_else():
    lines = [int(p.split(":")[1]) for p in ticket_writes("planted.py", PLANTED)]
    assert lines == [6, 9, 10, 13, 14, 16, 31, 32, 33, 40]


def test_the_checker_leaves_the_workflow_and_migrations_out_and_reads_tests_and_benchmarks():
    files = {file for file, _source in source_files()}
    assert "bench/sweep.py" in files and "tests/conftest.py" in files
    assert not {f for f in files if f.startswith(WRITER) or "/migrations/" in f}


@pytest.mark.django_db
def test_a_ticket_the_factory_inserts_is_the_one_ticket_open_writes():
    # ticket_insert (a row with chosen columns) copies ticket_open's defaults;
    # given no columns, it must write the same row and the same first event.
    opened = ticketed_complaint().ticket
    inserted = ticketed_complaint(
        category=opened.complaint.category, submitted_at=opened.complaint.submitted_at, ticket={}
    ).ticket
    skip = {"id", "complaint", "updated_at"}
    columns = [f.attname for f in Ticket._meta.concrete_fields if f.name not in skip]

    def row(ticket):
        return {name: getattr(ticket, name) for name in columns}

    def first_event(ticket):
        (event,) = ticket.events.all()
        return (
            event.kind,
            event.to_status,
            event.customer_visible,
            event.created_at,
            event.payload,
        )

    assert row(inserted) == row(opened)
    assert first_event(inserted) == first_event(opened)
