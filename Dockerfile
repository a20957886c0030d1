# Image for the promptevo worker, client, migrations and local model server.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENTRYPOINT []
CMD ["node", "--import", "tsx", "worker/main.ts"]
