export { tarStream, planEntries, normalizeArchivePath, type TarEntry, type TarEntryType, type TarWriteOptions } from "./write.js";
export { layerFromFiles, type BuildCompression, type LayerFromFilesOptions } from "./layer.js";
export { walkTar, walkLayer, normalizeEntryPath, type TarHeader, type TarEntryKind, type TarLimits, type TarVisitor, type TarVisitorEntry, type WalkOptions, type WalkSummary } from "./read.js";
export { extractLayer, extractTar, containedLinkTarget, type ExtractSummary } from "./extract.js";
export { indexTarFile, type TarFileIndex } from "./file-index.js";
