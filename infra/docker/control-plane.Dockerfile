# The control plane image: the workspace with production dependencies, run with tsx.
FROM node:20-bookworm-slim
WORKDIR /app
RUN npm i -g pnpm@10.34.9
COPY . .
RUN pnpm install --frozen-lockfile && pnpm --filter @gatehouse/web build
ENV NODE_ENV=production
EXPOSE 8080 4573
CMD ["pnpm", "start"]
