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
# No HEALTHCHECK here: the worker and beat run this image too. The web's is in
# docker-compose.yml, on GET /readyz (answered whatever the Host header; /healthz
# is the liveness probe).
# Several workers' metrics summed on a scrape (config/gunicorn.py, config/metrics.py).
ENV PROMETHEUS_MULTIPROC_DIR=/app/var/metrics
CMD ["gunicorn", "config.wsgi:application", "-c", "config/gunicorn.py"]
