# Production image: gunicorn for the web, the same image for the worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/venv PATH="/venv/bin:$PATH"
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
COPY . .
RUN DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --system --home /app amends && mkdir -p /app/var && chown -R amends /app/var
USER amends
EXPOSE 8000
# The web's liveness (answered whatever the Host header, config/health.py). The
# worker and beat run this image too: compose gives the worker its own check
# (celery ping) and the web a readiness one (/readyz); beat's health is /readyz's
# clock check, so compose turns this one off for it.
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# Several workers' metrics summed on a scrape (config/gunicorn.py, config/metrics.py).
ENV PROMETHEUS_MULTIPROC_DIR=/app/var/metrics
CMD ["gunicorn", "config.wsgi:application", "-c", "config/gunicorn.py"]
