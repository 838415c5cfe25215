"""Private Redis and PostgreSQL servers, real Celery workers, and a Django connection pointed at them.

Every server here is started by the tests on its own port and data folder, so stopping or restarting it
harms nothing else on the machine. The test process and the workers share one throwaway database (made
per test from a migrated template), and nothing runs inside a test transaction: workers in other
processes must see what the test commits, exactly as they would in production.
"""

import glob
import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dj_database_url
import kombu.pools
import psycopg2
import pytest
from django.db import connections
from django.db.utils import ConnectionHandler

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
REDIS_PORT = int(os.environ.get("FAULT_REDIS_PORT", 6390))
PG_PORT = int(os.environ.get("FAULT_PG_PORT", 5440))
# Short enough that a message a killed worker held comes back within a test; the time limits stay below it.
VISIBILITY_TIMEOUT_S = 10
SOFT_TIME_LIMIT_S, TIME_LIMIT_S = 6, 8


def wait_until(predicate, *, timeout, what, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"gave up after {timeout}s waiting for {what}")


def _pg_bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _as_postgres(argv):
    # PostgreSQL refuses to run as root.
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


class PrivateRedis:
    def __init__(self, folder):
        self.folder = folder
        self.process = None
        self.url = f"redis://127.0.0.1:{REDIS_PORT}/0"

    def start(self):
        # Append-only file on, as in production: queued work survives a restart.
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=10, what="redis-server to answer")

    def answers(self):
        result = subprocess.run([shutil.which("redis-cli"), "-p", str(REDIS_PORT), "ping"], capture_output=True,
                                text=True)
        return result.stdout.strip() == "PONG"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)
        self.process = None

    def restart(self, down_s=1.0):
        self.stop()
        time.sleep(down_s)
        self.start()


class PrivatePostgres:
    def __init__(self, folder):
        self.folder = folder
        self.data = folder / "data"
        self.url_base = f"postgres://postgres@127.0.0.1:{PG_PORT}"

    def _pg_ctl(self, *args):
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(self.data), "-w", "-t", "30", *args]), check=True,
                       capture_output=True)

    def init(self):
        os.chmod(self.folder, 0o777)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        subprocess.run(_as_postgres([_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                                     "--no-sync", "-E", "UTF8"]), check=True, capture_output=True)
        self.start()

    def start(self):
        options = f"-p {PG_PORT} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        self._pg_ctl("-o", options, "-l", str(self.folder / "postgres.log"), "start")

    def stop(self):
        self._pg_ctl("-m", "fast", "stop")

    def restart(self, down_s=1.0):
        self.stop()
        time.sleep(down_s)
        self.start()

    def admin(self, sql):
        conn = psycopg2.connect(host="127.0.0.1", port=PG_PORT, user="postgres", dbname="postgres")
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql)
        finally:
            conn.close()


@pytest.fixture(scope="session")
def servers():
    """One private PostgreSQL cluster and one private Redis for the whole fault suite, with a migrated template."""
    missing = [name for name in ("redis-server", "initdb", "pg_ctl") if not (_pg_bin(name) or shutil.which(name))]
    if missing:
        pytest.skip(f"the fault tests need {', '.join(missing)} on this machine")
    folder = Path(tempfile.mkdtemp(prefix="tb-faults-"))
    folder.chmod(0o755)  # the postgres user must reach its data folder inside
    (folder / "redis").mkdir()
    (folder / "pg").mkdir()
    postgres = PrivatePostgres(folder / "pg")
    redis = PrivateRedis(folder / "redis")
    postgres.init()
    redis.start()
    try:
        postgres.admin("CREATE DATABASE tb_faults_template")
        env = {**os.environ, "DATABASE_URL": f"{postgres.url_base}/tb_faults_template", "CELERY_BROKER_URL": redis.url}
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        yield postgres, redis, folder
    finally:
        redis.stop()
        try:
            postgres.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(folder, ignore_errors=True)


class Cluster:
    """What one fault test works with: the servers, a fresh database, and the workers it started."""

    def __init__(self, postgres, redis, folder, database):
        self.postgres, self.redis, self.folder, self.database = postgres, redis, folder, database
        self.database_url = f"{postgres.url_base}/{database}"
        self.markers = folder / f"markers-{database}"
        self.markers.mkdir()
        self.workers = []

    def worker_env(self, **fault):
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.redis.url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S),
            "CELERY_TASK_SOFT_TIME_LIMIT": str(SOFT_TIME_LIMIT_S),
            "CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT_S),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.folder / f"mail-{self.database}"),
            "FAULT_MARKER_DIR": str(self.markers),
            "PYTHONUNBUFFERED": "1",
        }
        env.update({key: str(value) for key, value in fault.items()})
        return env

    def start_worker(self, name, *, concurrency=1, **fault):
        log_path = self.folder / f"worker-{self.database}-{name}.log"
        log = open(log_path, "ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.faulty_worker", "worker", "-Q", "interactive,bulk",
             "-c", str(concurrency), "-n", f"{name}@{self.database}", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-l", "INFO"],
            cwd=ROOT, env=self.worker_env(**fault), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        process.log_path = log_path
        self.workers.append(process)
        wait_until(lambda: b"ready." in log_path.read_bytes() or process.poll() is not None, timeout=60,
                   what=f"worker {name} to be ready")
        assert process.poll() is None, log_path.read_text()[-3000:]
        return process

    def kill_worker(self, process):
        """SIGKILL the worker and its pool children at once, as the kernel's OOM killer or a lost machine would."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_workers(self):
        for process in self.workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.workers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def markers_at(self, point):
        return list(self.markers.glob(f"{point}-*"))

    def sent_mail(self):
        folder = self.folder / f"mail-{self.database}"
        return sorted(folder.glob("*.log")) if folder.exists() else []


def _use_celery_broker(url, *, eager):
    conf = celery_app.conf
    previous = (conf.broker_url, conf.task_always_eager, dict(conf.broker_transport_options or {}))
    # Celery reads CELERY_BROKER_URL from the environment before its own settings (as .ci/run sets it),
    # so point the environment at this broker too; the fixture puts the old value back.
    os.environ["CELERY_BROKER_URL"] = url
    conf.broker_url = url
    conf.task_always_eager = eager
    conf.broker_transport_options = {**previous[2], "visibility_timeout": VISIBILITY_TIMEOUT_S}
    _forget_broker_connections()
    return previous


def _forget_broker_connections():
    """Drop pooled connections to the old broker so the next publish connects to the one configured now."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


_database_numbers = itertools.count(1)


@pytest.fixture
def cluster(servers, django_db_blocker, settings, request):
    """A fresh database on the private PostgreSQL, Django and Celery in this process pointed at it and at Redis.

    Workers are started by the test (cluster.start_worker) and always stopped afterwards.
    """
    postgres, redis, folder = servers
    if not redis.answers():
        redis.start()
    database = f"tb_faults_{next(_database_numbers)}_{os.getpid()}"
    postgres.admin(f"DROP DATABASE IF EXISTS {database}")
    postgres.admin(f"CREATE DATABASE {database} TEMPLATE tb_faults_template")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    handler = ConnectionHandler({"default": dj_database_url.parse(f"{postgres.url_base}/{database}")})
    original_connection = connections["default"]
    connections["default"] = handler["default"]
    previous_broker_env = os.environ.get("CELERY_BROKER_URL")
    previous_celery = _use_celery_broker(redis.url, eager=False)
    subprocess.run([shutil.which("redis-cli"), "-p", str(REDIS_PORT), "flushall"], check=True, capture_output=True)
    run = Cluster(postgres, redis, folder, database)
    try:
        with django_db_blocker.unblock():
            yield run
    finally:
        run.stop_workers()
        connections["default"].close()
        connections["default"] = original_connection
        celery_app.conf.broker_url, celery_app.conf.task_always_eager, transport = previous_celery
        if previous_broker_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = previous_broker_env
        celery_app.conf.broker_transport_options = transport
        _forget_broker_connections()
        if not redis.answers():
            redis.start()
        for process in run.workers:
            if process.returncode not in (0, None, -signal.SIGKILL, -signal.SIGTERM):
                print(process.log_path.read_text()[-3000:])
        postgres.admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
