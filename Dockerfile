# syntax=docker/dockerfile:1
# PortLedger: build on the same base image the service runs on, so better-sqlite3's native module matches.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# A toolchain in case better-sqlite3 has no prebuilt binary for this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# `prepare` would build before the sources are here; install first, then run the one install script we need.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
COPY web ./web
COPY bin ./bin
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PORTLEDGER_LOG_LEVEL=info \
    HOST=0.0.0.0 \
    PORT=8080 \
    PORTLEDGER_DB=sqlite:/app/data/portledger.db
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/bin ./bin
# The code belongs to root and is read-only to the service; only /app/data (database, generated keys) is its own.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/portledger.js", "serve"]
