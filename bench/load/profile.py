"""Where a request of the load mix spends its CPU (issue 9, R50).

    python -m bench.load.profile [--requests 400] [--database URL] [--top 30]

Seeds a throwaway database like bench/load/run.py (a smaller demo city by
default), then replays the same request mix in this process through
Django's WSGI handler (no gunicorn, no sockets, no think time) and prints,
per endpoint, the CPU milliseconds (process time) and SQL queries per
request, then cProfile's top functions by cumulative time. CPU per request
does not depend on how loaded the machine is, unlike latency.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import secrets
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--database", default="", help="postgresql://… (created and dropped)")
    parser.add_argument("--city-volunteers", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--seed", type=int, default=50)
    parser.add_argument(
        "--show-queries", default="", metavar="ENDPOINT",
        help='print the SQL of one request of ENDPOINT, e.g. "GET /"',
    )  # fmt: skip
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="porch-profile-"))
    url = args.database or f"sqlite:///{tmp / 'profile.sqlite3'}"
    os.environ.update(
        PORCH_ENV="test",
        PORCH_DEMO="true",
        PORCH_DATABASE_URL=url,
        PORCH_VAR_DIR=str(tmp),
        PORCH_VAULT_KEY_DIR=str(tmp / "keys"),
        PORCH_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_SETTINGS_MODULE="porch.settings",
    )
    from bench.load import run as load

    postgres = url.startswith("postgres")
    try:
        if postgres:
            load.create_pg(url)
        world = load.seed(40, 8, 30, args.city_volunteers)
        os.environ.pop("PORCH_DEMO")
        from django.db import connection, reset_queries
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        cpu = defaultdict(list)
        queries = defaultdict(list)
        stats = load.Stats()
        rng = random.Random(args.seed)
        people = []
        for p in world["people"]:
            person = load.Person(0, world, p, stats, 0, random.Random(rng.random()), (0, 0))
            client = Client(enforce_csrf_checks=True)
            for name, value in p["cookies"].items():
                client.cookies[name] = value
            person.call = in_process(client, cpu, queries)
            people.append(person)

        def replay(n):
            done = 0
            while done < n:
                person = rng.choice(people)
                before = sum(
                    stats.statuses[e][s] for e in stats.statuses for s in stats.statuses[e]
                )
                (person.volunteer if person.p["kind"] == "volunteer" else person.dispatcher)()
                after = sum(stats.statuses[e][s] for e in stats.statuses for s in stats.statuses[e])
                done += after - before

        replay(60)  # warm up: templates compiled, URL resolvers filled
        if args.show_queries:
            cpu.clear()
            with CaptureQueriesContext(connection):
                while not cpu.get(args.show_queries):
                    cpu.clear()
                    replay(1)
            for sql in LAST_SQL[args.show_queries]:
                print(sql[:400])
            return 0
        # CPU per request without the profiler, then again with it.
        cpu.clear()
        queries.clear()
        stats.__init__()
        started = time.process_time()
        with CaptureQueriesContext(connection):
            replay(args.requests)
        plain = 1000 * (time.process_time() - started) / sum(len(v) for v in cpu.values())
        plain_by_endpoint = {k: 1000 * sum(v) / len(v) for k, v in cpu.items()}
        cpu.clear()
        queries.clear()
        stats.__init__()
        profiler = cProfile.Profile()
        with CaptureQueriesContext(connection):
            reset_queries()
            started = time.process_time()
            profiler.enable()
            replay(args.requests)
            profiler.disable()
            total_cpu = time.process_time() - started
        n = sum(len(v) for v in cpu.values())
        print(f"\n== CPU per request ({'PostgreSQL' if postgres else 'SQLite'}, {n} requests)")
        print("(cpu ms: without the profiler, from a first replay of as many requests)")
        print(f"{'endpoint':40} {'n':>5} {'cpu ms':>7} {'queries':>8}  statuses")
        for endpoint in sorted(cpu):
            counts = queries[endpoint]
            print(
                f"{endpoint:40} {len(counts):5d} {plain_by_endpoint.get(endpoint, 0):7.1f} "
                f"{sum(counts) / len(counts):8.1f}  {dict(stats.statuses[endpoint])}"
            )
        every = [t for v in cpu.values() for t in v]
        every_q = [q for v in queries.values() for q in v]
        print(f"{'overall':40} {len(every):5d} {plain:7.1f} {sum(every_q) / len(every_q):8.1f}")
        print(f"(with the profiler on: {1000 * total_cpu / n:.1f} ms of CPU per request)")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
        return 0
    finally:
        if postgres:
            from django.db import connections

            connections.close_all()
            load.drop_pg(url)
        shutil.rmtree(tmp, ignore_errors=True)


LAST_SQL: dict[str, list[str]] = {}


def in_process(client, cpu, queries):
    """A bench/load `call` that goes through Django's handler in this process."""
    from django.db import connection

    def call(_port, method, path, _cookies, body=None, timeout=30):
        start = len(connection.queries_log)
        began = time.process_time()
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(
                path, body or "", content_type="application/x-www-form-urlencoded",
                HTTP_REFERER=f"http://testserver{path}",
            )  # fmt: skip
        elapsed = time.process_time() - began
        key = f"{method} {normalise(path)}"
        cpu[key].append(elapsed)
        queries[key].append(len(connection.queries_log) - start)
        LAST_SQL[key] = [q["sql"] for q in list(connection.queries_log)[start:]]
        return response.status_code, response.content.decode("utf-8", "replace")

    return call


def normalise(path: str) -> str:
    parts = path.strip("/").split("/")
    known = {
        "aid", "orgs", "requests", "new", "runs", "claim", "response", "org", "report",
        "volunteers", "slots", "signup", "availability", "messaging", "notifications",
    }  # fmt: skip
    return (
        "/" + "/".join(p if p in known else "<c>" for p in parts if p) + ("/" if parts[0] else "")
    )


if __name__ == "__main__":
    sys.exit(main())
