# Dear Congress: multi-stage build on Node 24 LTS. Data is imported at FIRST START (not at build time),
# so an image never ships stale member data and `docker build` needs no access to the data sources.
FROM node:24-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
COPY scripts/check-node.js ./scripts/
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

# The final stage: everything the server and the operator's scripts read at run time, nothing else.
# tests/dockerfile-layout.test.ts lays out exactly these COPY lines and starts the server from them.
FROM node:24-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY scripts/check-node.js scripts/docker-start.sh ./scripts/
COPY templates ./templates
COPY public ./public
COPY campaigns ./campaigns
COPY locales ./locales
# The image has no TypeScript sources: `npm run data:update` and the other operator scripts run compiled.
RUN npm pkg set "scripts.data:update=node dist/scripts/data-update.js" \
  "scripts.outbox:requeue=node dist/scripts/outbox-requeue.js" \
  "scripts.cwc:validate=node dist/scripts/cwc-validate.js" \
  "scripts.audit:abuse=node dist/scripts/audit-abuse.js"
RUN mkdir -p /app/data && chown -R node:node /app/data
# The imported data, the SQLite database and the .eml outbox live here: mount a volume so they outlive
# the container (docker run -v dear-congress-data:/app/data).
VOLUME ["/app/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# Imports the public data when the volume has none yet; if that import fails the container stops with its
# message instead of starting a server without data. From then on the server refreshes the data itself.
CMD ["sh", "scripts/docker-start.sh"]
