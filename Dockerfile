FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build:web --if-present
USER node
EXPOSE 3000
CMD ["npx", "tsx", "app/main.ts"]
