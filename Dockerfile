# The worker image (also runs the DRS emulator: `node dist/emulator/main.js`).
# Stage 1 compiles TypeScript with the dev dependencies; stage 2 holds only the production
# dependencies and the compiled output, and runs as the unprivileged `node` user.
FROM node:20.19.5-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY common ./common
COPY activities ./activities
COPY workflows ./workflows
COPY worker ./worker
COPY emulator ./emulator
RUN npx tsc -p tsconfig.json
# the workflow bundle, built once here: the worker loads dist/workflow-bundle.js instead of running
# webpack at every start (worker/workflow-code.ts)
RUN node dist/worker/workflow-code.js

FROM node:20.19.5-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# the default evidence store (DRS_EVIDENCE_URL unset), a volume in docker-compose.yml
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
# WORKER_METRICS_ADDRESS, WORKER_HEALTH_ADDRESS (set to 0.0.0.0:… in a container); emulator
EXPOSE 9464 8080 4566
# node is PID 1 and handles SIGTERM itself (worker/shutdown.ts): drain, then exit within the bound
CMD ["node", "dist/worker/main.js"]
