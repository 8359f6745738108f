/**
 * Base images the generator writes, pinned to version tags (never `latest`).
 * Tests replace them with local stand-ins by tagging, never by editing this table.
 */
export const builderImage = {
  /** Static builds: the small Alpine variant; CGO_ENABLED=0 makes libc irrelevant. */
  static: (goVersionArg: string) => `golang:${goVersionArg}-alpine`,
  /** cgo builds link against glibc, so build on Debian and run on a glibc runtime. */
  cgo: (goVersionArg: string) => `golang:${goVersionArg}-bookworm`,
};

export const runtimeImage = {
  scratch: "scratch",
  distrolessStatic: "gcr.io/distroless/static-debian12:nonroot",
  distrolessBase: "gcr.io/distroless/base-debian12:nonroot",
  alpine: "alpine:3.20",
  debian: "debian:bookworm-slim",
} as const;

/** The non-root uid:gid every generated runtime ends with (distroless's `nonroot`). */
export const NONROOT_USER = "65532:65532";
