/**
 * slimgo as a library: the same functions the CLI uses.
 * Data path: analyze (facts with evidence) → plan (decisions) → generate (files);
 * build (source to image) → publish (image to a destination, one publisher per kind).
 */
export { analyze, type AnalyzeOptions } from "./analysis/index.js";
export type * from "./analysis/types.js";
export { planDockerfile, type DockerfilePlan, type ProgramPlan, type Decision, type PlanOptions, type HealthProbe } from "./dockerfile/plan.js";
export { generateDockerfile } from "./dockerfile/generate.js";
export { generateDockerignore, type DockerignoreOptions, type GeneratedDockerignore } from "./dockerfile/dockerignore.js";
export { planInit, writeInit, type InitOptions, type InitResult, type GeneratedFile } from "./init/index.js";
export type { CiProvider } from "./ci/plan.js";
export type { ComposePlan } from "./compose/plan.js";
export { loadConfig, type LoadedConfig } from "./config/load.js";
export { parseConfig } from "./config/parse.js";
export type { SlimgoConfig } from "./config/schema.js";
export type { RuntimeName } from "./dockerfile/runtimes.js";
export { SlimgoError, ExitCode } from "./errors.js";
export { RegistryError } from "./registry/errors.js";
export { lintDockerfile, applyFixes, applyFileFixes, fixFully, rules as lintRules } from "./lint/index.js";
export type { LintResult, LintConfig, LintOptions, Finding, Severity, Fix, TextEdit, FileEdits, Rule, RuleMeta } from "./lint/index.js";
export type { SourceRange } from "./lint/types.js";
export { buildImages, type BuildOptions, type BuildResult, type BuiltProgram, type Sbom } from "./build/index.js";
export type { VersionInfo } from "./build/version-info.js";
export type { ImageFormat } from "./image/media-types.js";
export type { BuildCompression } from "./tar/layer.js";
export type { Digest } from "./image/digest.js";
export { watchModule, rebuildOnChange, type ModuleWatcher, type WatchOptions, type ChangeBatch, type RebuildLoop, type RebuildLoopOptions } from "./build/watch.js";
export { ociLayoutPublisher, tarballPublisher, daemonPublisher } from "./publish/index.js";
export { registryPublisher, type RegistryPublishOptions } from "./publish/registry.js";
export type { Publisher, Published, Attachment } from "./publish/types.js";
export { SPDX_MEDIA_TYPE } from "./sbom/artifact.js";
export type { Image, ImageIndex, ImageOrIndex, Layer, Descriptor, ConfigFile, ContainerConfig, HealthConfig, HistoryEntry, IndexChild, ImageManifest, IndexManifest, Platform } from "./image/types.js";
export { isImageIndex } from "./image/types.js";
export { openImage, type OpenImageOptions } from "./sources/index.js";
export { inspectReference, verifyReference, type InspectRunOptions, type RunOptions } from "./inspect/index.js";
export type { InspectResult, ImageInspection, LayerReport, ConfigReport, ProgramReport, GoBinaryReport, DirectoryBytes, TreeEntry } from "./inspect/types.js";
export { verifyImage, imageViewFromImage, imageViewFromDirectory, verifyExitCode, type VerifyImageOptions, type DirectoryViewOptions } from "./verify/index.js";
export type { VerifyReport, CheckReport, CheckResult, CheckStatus, VerifyOptions } from "./verify/types.js";
export type { ImageView } from "./verify/image-view.js";
export type { ImageScanOptions } from "./verify/image-view-from-image.js";
export { formatText as formatVerifyReport, type VerifyColors } from "./verify/format.js";
