# Two commands on a fresh machine: `make run` and `make test`. Only Python 3.10+ and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A stamp per set of requirements, named after the files' checksum: editing a file reinstalls that set.
APP_STAMP := $(VENV)/.installed-app-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: install install-app run test serve lint messages bench clean

$(APP_STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-app-*
	touch $(APP_STAMP)

$(DEV_STAMP): $(APP_STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-dev-*
	touch $(DEV_STAMP)

# The app alone (requirements.txt), as `make run` and `make serve` need it.
install-app: $(APP_STAMP)

# Everything a developer needs: the app, the tests, the benchmarks and the linter.
install: $(DEV_STAMP)

# Demo on SQLite with tasks in-process (no broker needed): http://127.0.0.1:8000
run: install-app
	env -u DATABASE_URL -u CELERY_BROKER_URL $(BIN)/python manage.py migrate --noinput
	env -u DATABASE_URL -u CELERY_BROKER_URL $(BIN)/python manage.py load_demo
	env -u DATABASE_URL -u CELERY_BROKER_URL $(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite: SQLite and in-process tasks by default; PostgreSQL and Redis when
# DATABASE_URL / CELERY_BROKER_URL are set (as .ci/run does).
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The production setup on this machine (Procfile, via honcho): gunicorn + whitenoise, an interactive and a
# bulk Celery worker, one beat. Needs PostgreSQL and Redis; every default below yields to the environment.
serve: export DEBUG ?= false
serve: export SECRET_KEY ?= local-serve-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz
serve: export SECURE_SSL_REDIRECT ?= false
serve: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/trialbridge
serve: export CELERY_BROKER_URL ?= redis://127.0.0.1:6379/0
serve: export CACHE_URL ?= redis://127.0.0.1:6379/1
# Production refuses a console mail backend and a non-https SITE_URL (config/checks.py): here mail goes to files
# in sent-mail/, and its links name the https address production would have.
serve: export EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend
serve: export SITE_URL ?= https://localhost:8000
serve: install-app
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/honcho start -f Procfile

lint: install
	$(BIN)/ruff check .

# Recompile the translation catalogs after editing locale/*/LC_MESSAGES/django.po (needs gettext).
messages: install
	$(BIN)/python manage.py makemessages -l es --ignore=.venv --ignore=bench --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
