# The coworkers image: every process of the distributed mode (runtime, gateway, connector, the
# operator CLI, nats-config) runs from it. Node 24 strips the TypeScript types itself, so there
# is no build step: the first stage installs the production dependencies once, at build time.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs an install script at run time (the `node` package that
# pins Node for npm scripts is a devDependency, left out here).
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The examples' data files (ad exports, a calendar), dated around the build; the `setup` service
# of docker-compose.yml writes them again, dated around today, at every `docker compose up`.
# The folders a process writes to belong to the unprivileged `node` user (uid 1000) that runs it;
# named volumes mounted there start with this ownership.
RUN node scripts/example-data.ts examples \
  && mkdir -p /app/.coworkers /identities \
  && chown -R node:node /app/examples/example-data /app/.coworkers /identities
USER node
ENTRYPOINT ["node", "cli/main.ts"]
CMD ["--help"]
