# The control plane image: the workspace, the web console and the agent bundle it serves
# (GET /agent/gatehouse-agent.mjs, fetched by cloud-init on new PBXs), run with tsx.
FROM node:20-bookworm-slim
WORKDIR /app
RUN npm i -g pnpm@10.34.9
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm --filter @gatehouse/web build \
 && pnpm --filter @gatehouse/agent build
ENV NODE_ENV=production
EXPOSE 8080 4573
CMD ["pnpm", "exec", "tsx", "apps/control-plane/src/main.ts"]
