"""The queue's search finds fragments: of a reference, a name (accents aside), an order, a description, a phone.

On the real PostgreSQL, with the trigram and full-text indexes of
complaints/migrations/0005_search_indexes.py; the embedded SQLite of
`make run` falls back to plain LIKE (the last test).
"""

import json

import pytest
from django.db import connection
from django.urls import reverse

from complaints.models import Category, Complaint, Customer
from complaints.search import complaints_matching, customers_matching, matching_ids_sql
from recovery.queue import QueueFilters, ticket_queue
from shared.identifiers import new_reference, new_tracking_token
from tests.embedded import manage
from tests.factories import CustomerFactory, ticketed_complaint

pytestmark = pytest.mark.django_db


def found(agent, query):
    page = ticket_queue(filters=QueueFilters(query=query), user=agent)
    return {t.reference for t in page.tickets}


@pytest.fixture
def other():
    """A complaint no search below should find."""
    customer = CustomerFactory(name="Alan Turing", phone="+33698765432")
    return ticketed_complaint(
        customer=customer, description="Billing twice for one subscription.", order_reference="X-1"
    )


@pytest.mark.parametrize("fragment", ["first", "second", "across", "lower"])
def test_a_piece_of_the_reference_finds_the_ticket(agent, other, fragment):
    complaint = ticketed_complaint(customer=CustomerFactory(name="Grace Hopper"))
    first, second = complaint.reference[3:7], complaint.reference[8:]
    query = {
        "first": first,
        "second": second,
        "across": first[2:] + second[:2],
        "lower": f"am-{first.lower()}",
    }[fragment]
    assert found(agent, query) == {complaint.reference}


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Amélie Poulain", "Amelie"),
        ("Amélie Poulain", "amélie poul"),
        ("Amelie Dupont", "Amélie"),
        ("Françoise Hardy", "francoise"),
        ("Zoë Ørsted", "zoe"),
    ],
)
def test_a_name_is_found_with_or_without_its_accents(agent, other, stored, typed):
    complaint = ticketed_complaint(customer=CustomerFactory(name=stored))
    assert found(agent, typed) == {complaint.reference}


def test_an_order_number_or_a_piece_of_it_finds_the_ticket(agent, other):
    complaint = ticketed_complaint(
        customer=CustomerFactory(name="Grace Hopper"), order_reference="CMD-2026-004217"
    )
    assert found(agent, "CMD-2026-004217") == {complaint.reference}
    assert found(agent, "cmd-2026-0042") == {complaint.reference}
    assert found(agent, "004217") == {complaint.reference}


@pytest.mark.parametrize(
    ("description", "typed"),
    [
        # French stemming: singular for plural, another ending of the verb, no accents.
        ("Les colis sont arrivés endommagés après trois semaines.", "colis endommagé"),
        ("Les colis sont arrivés endommagés après trois semaines.", "arrive endommage"),
        ("Livraison retardée, le livreur était impoli.", "livraisons retardées"),
        # English stemming.
        ("The parcels were damaged when they arrived.", "damaging parcel"),
        ("I was charged twice for the same delivery.", "charges deliveries"),
    ],
)
def test_words_of_the_description_find_it_in_french_or_english(agent, other, description, typed):
    complaint = ticketed_complaint(
        customer=CustomerFactory(name="Grace Hopper"), description=description
    )
    assert found(agent, typed) == {complaint.reference}


def test_all_the_words_typed_must_be_in_the_description(agent, other):
    ticketed_complaint(
        customer=CustomerFactory(name="Grace Hopper"),
        description="The parcels were damaged when they arrived.",
    )
    assert found(agent, "damaged invoice") == set()


@pytest.mark.parametrize("typed", ["07911 123456", "7911 123 456", "0044 7911 123456", "123456"])
def test_a_phone_number_in_its_own_national_form_or_its_last_digits_finds_the_ticket(
    agent, other, typed
):
    # A British customer: the default region (FR) cannot read 07911 123456 as a number.
    customer = CustomerFactory(name="Grace Hopper", phone="+447911123456")
    complaint = ticketed_complaint(customer=customer)
    assert found(agent, typed) == {complaint.reference}


def test_a_few_digits_are_not_read_as_a_phone_number(agent, other):
    ticketed_complaint(customer=CustomerFactory(name="Grace Hopper", phone="+447911123456"))
    assert found(agent, "3456") == set()


def test_a_fragment_search_runs_the_page_s_usual_queries(agent_client, django_assert_num_queries):
    for name in ("Amélie Poulain", "Amelie Dupont", "Alan Turing"):
        ticketed_complaint(customer=CustomerFactory(name=name), order_reference="CMD-1")
    agent_client.get(reverse("agent:queue"))  # the shared counters, now cached
    # session, user, groups, the page of tickets, "mine", the categories, the agents.
    for query in ("amelie", "cmd-1", "broken vase", "07911 123456"):
        with django_assert_num_queries(7):
            response = agent_client.get(reverse("agent:queue"), {"q": query})
        assert response.status_code == 200


def test_a_search_costs_the_same_queries_for_three_matches_or_forty(
    agent_client, django_assert_num_queries
):
    """Forty matches fill more than a page, with their customers, categories and agents."""
    agent_client.get(reverse("agent:queue"))  # the shared counters, now cached
    for count, name in ((3, "Amélie Poulain"), (40, "Grace Hopper")):
        for _ in range(count):
            ticketed_complaint(customer=CustomerFactory(name=name), order_reference="CMD-1")
        with django_assert_num_queries(7):
            response = agent_client.get(reverse("agent:queue"), {"q": name.split()[0]})
        assert response.status_code == 200
        assert len(response.context["tickets"]) == min(count, 25)


def test_a_search_broader_than_its_bound_lists_the_newest_complaints(agent, other, monkeypatch):
    monkeypatch.setattr("complaints.search.MAX_MATCHES", 3)
    complaints = [
        ticketed_complaint(customer=CustomerFactory(name="Grace Hopper")) for _ in range(5)
    ]
    assert found(agent, "grace") == {c.reference for c in complaints[2:]}


# --- the indexes ----------------------------------------------------------------


def explain(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def thousands():
    """5,000 customers with a complaint each, analysed: enough rows for the planner to prefer an index."""
    category = Category.objects.create(name_en="Delivery", name_fr="Livraison")
    customers = Customer.objects.bulk_create(
        Customer(name=f"Customer {i}", email=f"c{i}@example.com", phone=f"+3361{i:07}")
        for i in range(5000)
    )
    Complaint.objects.bulk_create(
        Complaint(
            reference=new_reference(),
            tracking_token=new_tracking_token(),
            customer=customer,
            category=category,
            channel="web",
            description=f"The parcel number {i} arrived late.",
            order_reference=f"CMD-{i:06}",
            submitted_at="2026-12-01T10:00Z",
        )
        for i, customer in enumerate(customers)
    )
    with connection.cursor() as cursor:
        # No pending list to merge first: the GIN indexes take writes at once (complaints 0007).
        cursor.execute("ANALYZE complaints_customer")
        cursor.execute("ANALYZE complaints_complaint")


def test_a_name_search_reads_the_trigram_index_not_the_customers_table(thousands):
    plan = explain(customers_matching(query="Amelie"))
    assert "customer_name_trgm_idx" in plan
    assert "Seq Scan on complaints_customer" not in plan


def test_a_phone_fragment_reads_the_phone_trigram_index(thousands):
    plan = explain(customers_matching(query="07911 123456"))
    assert "customer_phone_trgm_idx" in plan
    assert "Seq Scan" not in plan


def test_reference_order_and_description_searches_read_their_indexes(thousands):
    plan = explain(complaints_matching(query="F2K5"))
    for index in (
        "complaint_reference_trgm_idx",
        "complaint_order_trgm_idx",
        "complaint_description_fts_idx",
    ):
        assert index in plan
    assert "Seq Scan on complaints_complaint" not in plan


@pytest.mark.parametrize(
    ("query", "indexes"),
    [
        ("F2K5", ["reference", "order", "description", "customer_name"]),
        ("07911 123456", ["order", "description", "customer_phone"]),
    ],
)
def test_the_page_s_search_written_as_sql_reads_the_same_indexes(thousands, query, indexes):
    """matching_ids_sql repeats the key expressions of complaints_matching and customers_matching."""
    raw = matching_ids_sql(query)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {raw.sql}", raw.params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in indexes:
        kind = "fts" if index == "description" else "trgm"
        table = "" if index.startswith("customer") else "complaint_"
        assert f"{table}{index}_{kind}_idx" in plan
    assert "Seq Scan on complaints_complaint" not in plan
    assert "Seq Scan on complaints_customer" not in plan


def test_the_search_indexes_take_writes_at_once_and_the_complaints_no_parallel_workers():
    """complaints 0007: no pending list for a search to read, no workers to start."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class"
            " WHERE relname LIKE '%%_trgm_idx' OR relname LIKE '%%_fts_idx'"
            " OR relname = 'complaints_complaint'"
        )
        options = dict(cursor.fetchall())
    assert options.pop("complaints_complaint") == ["parallel_workers=0"]
    assert options and set(map(tuple, options.values())) == {("fastupdate=off",)}


# --- the embedded SQLite ----------------------------------------------------------

SQLITE_SCRIPT = """
import json
from django.contrib.auth.models import User
from recovery.queue import QueueFilters, ticket_queue
from tests.factories import AgentFactory, CustomerFactory, ticketed_complaint

agent = AgentFactory()
wanted = ticketed_complaint(
    customer=CustomerFactory(name="Amélie Poulain", phone="+447911123456"),
    order_reference="CMD-2026-004217",
    description="The parcels were damaged.",
)
ticketed_complaint(customer=CustomerFactory(name="Alan Turing"), description="Billing twice.")
queries = ["Amélie", "poulain", wanted.reference[3:7], "cmd-2026", "damaged", "07911 123456", "nobody"]
print(json.dumps({
    "wanted": wanted.reference,
    "found": {q: [t.reference for t in ticket_queue(filters=QueueFilters(query=q), user=agent).tickets]
              for q in queries},
}))
"""


def test_the_embedded_sqlite_searches_with_plain_like(tmp_path):
    manage("migrate", "--noinput", var_dir=tmp_path)
    out = manage("shell", "-c", SQLITE_SCRIPT, var_dir=tmp_path).stdout
    result = json.loads(out.strip().splitlines()[-1])
    wanted = [result["wanted"]]
    assert result["found"] == {
        "Amélie": wanted,
        "poulain": wanted,
        result["wanted"][3:7]: wanted,
        "cmd-2026": wanted,
        "damaged": wanted,
        "07911 123456": wanted,
        "nobody": [],
    }
