"""The `porch` console script.

porch demo         migrate SQLite, seed the fictional city, serve web + worker
porch serve        production WSGI server (gunicorn), no access log
porch worker       background tasks and periodic jobs
porch migrate      apply database migrations
porch bootstrap    first coalition and its first admin
porch manage ...   any Django management command
porch import-addresses FILE   load the city's address points (OpenAddresses CSV)
porch bench-routing FILE --time-limit S [--seed N] [--solution SOL]
                   solve a Solomon/VRPLIB VRPTW instance (no Django needed)
"""

import os
import signal
import subprocess
import sys
import time

USAGE = __doc__ or ""


def _setup(demo: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "porch.settings")
    if demo:
        os.environ.setdefault("PORCH_DEMO", "true")
    import django

    django.setup()


def _call(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def serve_command(bind: str, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "porch.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        # No access log: it would record client addresses (R2).
        "--access-logfile",
        "/dev/null",
        "--error-logfile",
        "-",
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
    ]


def cmd_serve(args: list[str]) -> int:
    _setup()
    bind = os.environ.get("PORCH_BIND", "127.0.0.1:8000")
    workers = int(os.environ.get("PORCH_WEB_WORKERS", "2"))
    _call("collectstatic", "--noinput", "--verbosity", "0")
    os.execv(sys.executable, serve_command(bind, workers))
    return 0  # pragma: no cover


def cmd_worker(args: list[str]) -> int:
    _setup()
    from porch.core.worker import Worker

    Worker(interval=float(os.environ.get("PORCH_WORKER_INTERVAL", "1"))).run(once="--once" in args)
    return 0


def cmd_migrate(args: list[str]) -> int:
    _setup()
    _call("migrate", "--noinput", *args)
    return 0


def cmd_demo(args: list[str]) -> int:
    _setup(demo=True)
    from django.conf import settings

    if settings.PRODUCTION:
        print("porch demo is refused when PORCH_ENV=production.", file=sys.stderr)
        return 2
    _call("migrate", "--noinput", "--verbosity", "0")
    _call("seed_demo")
    if "--no-serve" in args:
        return 0
    _call("collectstatic", "--noinput", "--verbosity", "0")
    env = dict(os.environ, PORCH_DEMO="true")
    bind = env.get("PORCH_BIND", "127.0.0.1:8000")
    web = subprocess.Popen(serve_command(bind, 2), env=env)
    worker = subprocess.Popen([sys.executable, "-m", "porch.cli", "worker"], env=env)
    print(f"\nPorch demo is running at http://{bind}/  (Ctrl+C to stop)\n", flush=True)
    try:
        while web.poll() is None and worker.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for proc in (web, worker):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (web, worker):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


def cmd_bootstrap(args: list[str]) -> int:
    _setup()
    _call("bootstrap", *args)
    return 0


def cmd_manage(args: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "porch.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["porch manage", *args])
    return 0


def cmd_bench_routing(args: list[str]) -> int:
    # Pure routing: no Django settings are read or needed.
    from porch.routing.bench import main as bench_main

    return bench_main(args)


COMMANDS = {
    "demo": cmd_demo,
    "serve": cmd_serve,
    "worker": cmd_worker,
    "migrate": cmd_migrate,
    "bootstrap": cmd_bootstrap,
    "manage": cmd_manage,
    "bench-routing": cmd_bench_routing,
    "import-addresses": lambda args: cmd_manage(["import_addresses", *args]),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    name, rest = argv[0], argv[1:]
    handler = COMMANDS.get(name)
    if handler is None:
        # Every other management command is reachable directly: `porch purge`.
        return cmd_manage([name, *rest])
    return handler(rest)


if __name__ == "__main__":
    sys.exit(main())
