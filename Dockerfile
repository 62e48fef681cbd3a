# For Docker/Podman/buildah users. `npm run image` builds the same layout without any daemon (scripts/image.mjs):
# Node's official binary, glibc + libstdc++ + CA certificates, user 65532, read-only-root friendly.
#   docker build -t k8s-mcp .
#   docker run --rm -i --read-only -v ~/.nsk:/kube:ro k8s-mcp --kubeconfig-dir /kube
ARG NODE_IMAGE=docker.io/library/node:24.21.0-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# `npm ci` refuses this lock file (see .ci/run); `npm install` honours it.
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm pack --ignore-scripts --pack-destination /tmp \
 && mkdir -p /out/opt/k8s-mcp /out/usr/local/bin \
 && tar -xzf /tmp/k8s-mcp-*.tgz -C /out/opt/k8s-mcp --strip-components=1 \
 && BIN="$(node -p 'require("./package.json").bin["k8s-mcp"]')" \
 && sed -i '1s|^#!.*|#!/usr/local/bin/node|' "/out/opt/k8s-mcp/${BIN}" \
 && ln -s "/opt/k8s-mcp/${BIN}" /out/usr/local/bin/k8s-mcp \
 && cp "$(command -v node)" /out/usr/local/bin/node

# distroless/cc: glibc, libstdc++, CA certificates and the nonroot user (65532); no shell, no package manager.
FROM ${RUNTIME_IMAGE}
COPY --from=build /out/ /
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/k8s-mcp"]
