/** Dockerfiles shared by the lint tests. */
import { generateDockerfile } from "../../../src/dockerfile/generate.js";
import { planDockerfile } from "../../../src/dockerfile/plan.js";
import { fakeModule } from "./module.js";

/**
 * What `slimgo init` generates for a server that needs zoneinfo, TLS roots and /tmp: the real
 * generator's output, so rules that must pass on it are tested against what init writes.
 */
export const initDockerfile = generateDockerfile(planDockerfile(fakeModule({ tls: true, zoneinfo: true, tmp: true }), { hasGoSum: true }));

/** The same for a module without a go.sum (no go.sum bind mount). */
export const initDockerfileNoSum = generateDockerfile(planDockerfile(fakeModule({ tls: true, zoneinfo: true, tmp: true }), { hasGoSum: false }));

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
