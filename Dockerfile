# One image for the API, the worker, the migrations and the simulator; docker-compose.yml picks the npm script.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
USER node
CMD ["npm", "run", "api"]
