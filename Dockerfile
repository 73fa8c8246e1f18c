# syntax=docker/dockerfile:1
# The Facelight verifier. Build and run (docs/operations.md):
#   docker build -t facelight .
#   docker run -p 8080:8080 -e FACELIGHT_API_KEYS=backend:<key of 16+ characters> facelight
# Without internet access beyond the npm registry, put the model files in a
# folder of the build context and name it: --build-arg MODEL_MIRROR=model-mirror

FROM node:20-bookworm-slim AS build
WORKDIR /app
# The manifests alone first, so the install layer is reused until they change.
# .npmrc skips onnxruntime-node's CUDA download: its CPU runtime is bundled.
COPY package.json package-lock.json .npmrc ./
COPY packages/protocol/package.json packages/protocol/
COPY packages/server/package.json packages/server/
COPY packages/web/package.json packages/web/
COPY packages/simulator/package.json packages/simulator/
COPY examples/spa/package.json examples/spa/
COPY models/ models/
ARG MODEL_MIRROR=""
# npm ci's postinstall is `node models/fetch.mjs`: each model comes from the
# mirror when it holds it, otherwise from its source, and is checked against its sha256.
RUN --mount=type=bind,target=/context \
    FACELIGHT_MODEL_MIRROR="${MODEL_MIRROR:+/context/$MODEL_MIRROR}" npm ci
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    FACELIGHT_HOST=0.0.0.0 \
    FACELIGHT_PORT=8080
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages/protocol/package.json packages/protocol/
COPY packages/server/package.json packages/server/
COPY packages/web/package.json packages/web/
COPY packages/simulator/package.json packages/simulator/
COPY examples/spa/package.json examples/spa/
# Runtime dependencies only; the models come from the build stage, so no install script has anything to do.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/packages/protocol/dist packages/protocol/dist
COPY --from=build /app/packages/server/dist packages/server/dist
COPY --from=build /app/packages/web/dist packages/web/dist
COPY --from=build /app/models/*.onnx /app/models/*.task /app/models/manifest.json models/
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.FACELIGHT_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) starts the graceful shutdown: give the container
# shutdownGraceSeconds plus a few seconds (docker stop -t, stop_grace_period).
ENTRYPOINT ["node", "packages/server/dist/cli.js"]
