export { parseRegistryReference, formatRegistryReference, type RegistryReference } from "../image/reference.js";
export { isDigest } from "../image/digest.js";
export { normaliseRegistry, registryEndpoint, registryTarget, isNamedInsecure, type RegistryTarget } from "./reference.js";
export { RegistryClient, MediaTypes, MANIFEST_ACCEPT } from "./client.js";
export type { RegistryClientOptions, BlobSource, PushBlobOptions, PushBlobResult, UploadProgress, FetchedManifest } from "./client.js";
export { resolveCredentials, dockerConfigDir, runCredentialHelper, USERNAME_ENV, PASSWORD_ENV } from "./credentials.js";
export type { RegistryCredentials, CredentialLookupOptions } from "./credentials.js";
export { RegistryError } from "./errors.js";
export type { RetryPolicy } from "./retry.js";
