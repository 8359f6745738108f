/** `slimgo inspect`: what is in an image, layer by layer, and the Go binaries in it. */
export { inspectReference, verifyReference, type InspectRunOptions, type RunOptions } from "./run.js";
export { inspectionOf, goBinaryReport, directoryBytes, type InspectOptions } from "./report.js";
export { formatInspectText, formatImageText, type TextColors } from "./text.js";
export { formatInspectHtml, directoryTreemap, layerTreemap } from "./html.js";
export { squarify, type TreemapItem, type PlacedItem, type Rect } from "./treemap.js";
export { isSecretEnv, maskEnvLine } from "./mask.js";
export type * from "./types.js";
