# syntax=docker/dockerfile:1
#
# Redrive's image: the dashboard (default command) and the retry worker
# service (`worker`) from one image. Build from the repository root:
#
#   docker build -t redrive .
#   docker run -d --env-file .env -p 3000:3000 redrive            # dashboard
#   docker run -d --env-file .env redrive worker                  # retry worker
#   docker run --rm -i redrive hash-password                      # a REDRIVE_USERS hash
#
# docs/production.md has the compose file, the environment and the probes.
# NODE_IMAGE names the base of both stages: any Debian-based image with Node
# 20.9 or later (and npm in the build stage).
ARG NODE_IMAGE=node:24-trixie-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1 \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
# Dependencies first, so that a change to the sources reuses this layer.
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# The release folder (scripts/release.mjs): Next's standalone server with only
# the packages it loads, the front layer, the worker and the tools bundled into
# plain JavaScript, and the Lua scripts. Nothing else reaches the final stage.
RUN npm run build && node scripts/release.mjs /release

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    REDRIVE_WORKER_ALIVE_FILE=/tmp/redrive-worker.alive
WORKDIR /app
# The runtime needs node alone: npm, npx, corepack and yarn (a package manager
# and the packages it bundles) are removed, not left for an intruder to use.
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx \
    /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
# Owned by root and read-only to the user that runs it.
COPY --from=build --chown=root:root /release /app
# The node user (uid 1000) of the official Node images; any unprivileged uid works.
USER 1000:1000
EXPOSE 3000
# SIGTERM lets the worker finish the batch in hand and the dashboard close its
# connections; give the container at least 30 s (compose: stop_grace_period).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "scripts/redrive.mjs", "health"]
ENTRYPOINT ["node", "scripts/redrive.mjs"]
CMD ["dashboard"]
