# syntax=docker/dockerfile:1
# Kefu in one container: `docker run -d -p 8080:8080 -v kefu-data:/data kefu`
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles its native addon when no prebuilt binary can be fetched.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
ARG NPM_CONFIG_OFFLINE
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund
# Of the native build only the addon itself is needed at run time (saves ~25 MB).
RUN cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node /tmp/ \
 && rm -rf build deps src \
 && mkdir -p build/Release && mv /tmp/better_sqlite3.node build/Release/

FROM ${NODE_IMAGE} AS runtime
# The config file is ./config.yaml in the working directory /data, i.e. /data/config.yaml;
# without one Kefu runs on defaults, so `docker run` needs nothing.
# MALLOC_ARENA_MAX: glibc gives threads that allocate (the server's worker threads, libuv's pool,
# SQLite) arenas of their own, up to 8 per core, and memory freed in one arena is not reused by
# another. With two, the server held less RSS after load (widget relay bench against the build at
# 200,000 tickets, two pairs of runs: 462 -> 413 and 412 -> 399 MB) for the same CPU per message.
ENV NODE_ENV=production \
    KEFU_DATA_DIR=/data \
    KEFU_PORT=8080 \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY config.example.yaml ./config.example.yaml
COPY docker/healthcheck.js ./docker/healthcheck.js
# A named volume copies the image's /data (and its owner) on first use, but only what exists
# before VOLUME is declared: create and hand it to the runtime user first.
RUN mkdir -p /data && chown node:node /data \
 && chmod +x /app/dist/server/cli.js /app/docker/healthcheck.js \
 && ln -s /app/dist/server/cli.js /usr/local/bin/kefu
VOLUME /data
WORKDIR /data
USER node
EXPOSE 8080
# Docker keeps this; podman drops it when it builds in its default OCI format (build with
# --format docker, or give the same check at run time: --health-cmd /app/docker/healthcheck.js,
# or `healthcheck:` in compose, as README.md shows).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/app/docker/healthcheck.js"]
# Kefu runs as PID 1 and handles SIGTERM/SIGINT itself (drain, close, exit), so no init is needed.
STOPSIGNAL SIGTERM
# --max-semi-space-size=8: V8's young generation stops at 16 MB instead of 32 (README.md, "Starting and stopping").
CMD ["node", "--max-semi-space-size=8", "/app/dist/server/cli.js", "serve"]
