# syntax=docker/dockerfile:1
# One image per service, all from this file:
#   docker build --build-arg SERVICE=order-service -t ecommerce/order-service .
# SERVICE: order-service | inventory-service | notification-service | console

ARG NODE_IMAGE=node:20-alpine

# ---- build: compile the shared library and the service --------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Manifests first, so that a change of source code reuses the `npm ci` layer. `npm ci` needs
# the package.json of every workspace that package-lock.json names.
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY services/order-service/package.json services/order-service/
COPY services/inventory-service/package.json services/inventory-service/
COPY services/notification-service/package.json services/notification-service/
COPY services/console/package.json services/console/
COPY tests-e2e/package.json tests-e2e/
# The fixes `npm ci` applies to dependencies (patch-package, see patches/README.md).
COPY patches/ patches/
RUN npm ci --no-audit --no-fund

COPY tsconfig*.json ./
COPY shared/ shared/
COPY services/ services/

# Declared this late so that the layers above are shared by the three services' builds.
ARG SERVICE
RUN case "$SERVICE" in \
      order-service|inventory-service|notification-service) ;; \
      console) ;; \
      *) echo "Build with --build-arg SERVICE=order-service|inventory-service|notification-service|console (got '$SERVICE')" >&2; exit 1 ;; \
    esac \
 && npx tsc -b "services/$SERVICE/tsconfig.build.json" \
 && if [ "$SERVICE" = console ]; then npm run --silent -w services/console build:web; fi

# ---- runtime: production dependencies and compiled code only -------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app

COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY services/${SERVICE}/package.json services/${SERVICE}/
# Only the production dependencies of the shared library and this service, with the workspace
# link node_modules/@ecommerce/shared -> ../../shared.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      --workspace @ecommerce/shared --workspace "@ecommerce/$SERVICE" \
 && npm cache clean --force
# The MongoDB driver as patched in the build stage (patches/): patch-package is a tool of the
# build, not of the image.
COPY --from=build /app/node_modules/mongodb node_modules/mongodb

COPY --from=build /app/shared/dist shared/dist
COPY --from=build /app/services/${SERVICE}/dist services/${SERVICE}/dist
# /app/main.js -> the service's entry point: `node main.js` needs no shell to pick the service,
# and Node resolves the link, so the service runs as its own main module. (The console's server
# is dist/server/main.js, beside the page it serves, dist/web.)
RUN if [ -f "services/$SERVICE/dist/server/main.js" ]; then entry=dist/server/main.js; else entry=dist/main.js; fi \
 && ln -s "services/$SERVICE/$entry" main.js

USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The heap bounds every way of running the services sets (scripts/lib/common.sh says why).
ENV NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=8"
# Node is PID 1 and the service handles SIGTERM itself (graceful shutdown, exit 0).
CMD ["node", "main.js"]
