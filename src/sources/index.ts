/** Opening an image from wherever the user says it is: layouts, archives, registries, local engines. */
export { openImage, imagesOf, pickPlatform, noImageFor, asInputError, type OpenImageOptions, type PlatformImage } from "./open-image.js";
export { readRegistryImage, registryBlobReader, type RegistrySourceOptions } from "./registry.js";
export { readSavedImage, disposeSavedImage, disposeSavedImages } from "./local-cli.js";
