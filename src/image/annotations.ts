/** OCI annotation keys (image-spec annotations.md) that slimgo writes and reads back. */
export const BASE_NAME = "org.opencontainers.image.base.name";
export const BASE_DIGEST = "org.opencontainers.image.base.digest";
