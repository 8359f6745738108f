/**
 * slimgo as a library: the same functions the CLI uses.
 * Data path: analyze (facts with evidence) → plan (decisions) → generate (files);
 * build (source to image) → publish (image to a destination, one publisher per kind).
 */
export { analyze } from "./analysis/index.js";
export type * from "./analysis/types.js";
export { planDockerfile, type DockerfilePlan, type ProgramPlan, type Decision, type PlanOptions } from "./dockerfile/plan.js";
export { generateDockerfile } from "./dockerfile/generate.js";
export { generateDockerignore } from "./dockerfile/dockerignore.js";
export { planInit, writeInit, type InitOptions, type InitResult } from "./init/index.js";
export { loadConfig } from "./config/load.js";
export { parseConfig } from "./config/parse.js";
export type { SlimgoConfig } from "./config/schema.js";
export type { RuntimeName } from "./dockerfile/runtimes.js";
export { SlimgoError, ExitCode } from "./errors.js";
export { lintDockerfile, applyFixes, applyFileFixes, fixFully, rules as lintRules } from "./lint/index.js";
export type { LintResult, LintConfig, Finding } from "./lint/index.js";
export { buildImages, type BuildOptions, type BuildResult, type BuiltProgram, type Sbom } from "./build/index.js";
export { watchModule, rebuildOnChange, type ModuleWatcher, type WatchOptions, type ChangeBatch, type RebuildLoop, type RebuildLoopOptions } from "./build/watch.js";
export { ociLayoutPublisher, tarballPublisher, daemonPublisher } from "./publish/index.js";
export { registryPublisher, type RegistryPublishOptions } from "./publish/registry.js";
export type { Publisher, Published, Attachment } from "./publish/types.js";
export { SPDX_MEDIA_TYPE } from "./sbom/artifact.js";
export type { Image, ImageIndex, ImageOrIndex, Layer, Descriptor, ConfigFile, ImageManifest, IndexManifest, Platform } from "./image/types.js";
export { isImageIndex } from "./image/types.js";
export { openImage } from "./sources/index.js";
export { inspectReference, verifyReference } from "./inspect/index.js";
export { verifyImage, imageViewFromImage, imageViewFromDirectory, verifyExitCode } from "./verify/index.js";
export { formatText as formatVerifyReport } from "./verify/format.js";
