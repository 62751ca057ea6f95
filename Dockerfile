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

FROM node:24-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY templates ./templates
COPY public ./public
COPY campaigns ./campaigns
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# Import the public data when the volume has none yet (the server needs one to start), then start; from
# then on the server refreshes the data itself once a day (DATA_REFRESH=daily, the production default).
CMD ["sh", "-c", "[ -f \"$DATA_DIR/civic-index.json\" ] || node dist/scripts/data-update.js; exec node dist/src/server.js"]
