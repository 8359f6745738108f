/** Dockerfiles shared by the lint tests. */

/** What `slimgo init` generates for a server that needs zoneinfo and TLS (module with a go.sum). */
export const initDockerfile = `# syntax=docker/dockerfile:1
ARG GO_VERSION=1.19

FROM --platform=$BUILDPLATFORM golang:\${GO_VERSION}-alpine AS build
WORKDIR /src
# Module download gets its own layer, so source edits don't refetch dependencies.
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=bind,source=go.mod,target=/src/go.mod \\
    --mount=type=bind,source=go.sum,target=/src/go.sum \\
    go mod download
ARG TARGETOS TARGETARCH
ARG VERSION=dev
ARG COMMIT=unknown
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=cache,target=/root/.cache/go-build \\
    --mount=type=bind,target=/src \\
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \\
    go build -trimpath -ldflags="-s -w -X main.version=\${VERSION} -X main.commit=\${COMMIT}" -o /out/app .
RUN mkdir -p /out/rootfs/tmp && chmod 1777 /out/rootfs/tmp

FROM scratch AS runtime
ARG VERSION=dev
ARG COMMIT=unknown
LABEL org.opencontainers.image.source="https://example.com/app" \\
      org.opencontainers.image.version="\${VERSION}" \\
      org.opencontainers.image.revision="\${COMMIT}"
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /usr/local/go/lib/time/zoneinfo.zip /zoneinfo.zip
ENV ZONEINFO=/zoneinfo.zip
COPY --from=build /out/rootfs/ /
COPY --from=build /out/app /app
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["/app", "-health"]
`;

/** The same for a module without requirements (no go.sum, so no go.sum bind mount). */
export const initDockerfileNoSum = `# syntax=docker/dockerfile:1
ARG GO_VERSION=1.19

FROM --platform=$BUILDPLATFORM golang:\${GO_VERSION}-alpine AS build
WORKDIR /src
# Module download gets its own layer, so source edits don't refetch dependencies.
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=bind,source=go.mod,target=/src/go.mod \\
    go mod download
ARG TARGETOS TARGETARCH
ARG VERSION=dev
ARG COMMIT=unknown
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=cache,target=/root/.cache/go-build \\
    --mount=type=bind,target=/src \\
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \\
    go build -trimpath -ldflags="-s -w -X main.version=\${VERSION} -X main.commit=\${COMMIT}" -o /out/app .
RUN mkdir -p /out/rootfs/tmp && chmod 1777 /out/rootfs/tmp

FROM scratch AS runtime
ARG VERSION=dev
ARG COMMIT=unknown
LABEL org.opencontainers.image.source="https://example.com/app" \\
      org.opencontainers.image.version="\${VERSION}" \\
      org.opencontainers.image.revision="\${COMMIT}"
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /usr/local/go/lib/time/zoneinfo.zip /zoneinfo.zip
ENV ZONEINFO=/zoneinfo.zip
COPY --from=build /out/rootfs/ /
COPY --from=build /out/app /app
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["/app", "-health"]
`;

/** A production multi-stage Dockerfile in the classic recipe shape (COPY go.mod first, distroless runtime). */
export const recipeDockerfile = `# syntax=docker/dockerfile:1
FROM golang:1.22-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=cache,target=/root/.cache/go-build \\
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/server ./cmd/server

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/server /server
EXPOSE 8080
ENTRYPOINT ["/server"]
`;
