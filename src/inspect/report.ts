import { posix } from "node:path";
import type { GoBinaryInfo } from "../gobinary/index.js";
import { BASE_DIGEST, BASE_NAME } from "../image/annotations.js";
import { platformOf, platformString, type FileNode, type Image } from "../image/index.js";
import type { ImageScan } from "../verify/image-view-from-image.js";
import { storedCompression } from "../image/layer.js";
import { entrypointProgram } from "../verify/command.js";
import { describeFormat, whyNotRunnable } from "../verify/executable-format.js";
import type { ImageView } from "../verify/image-view.js";
import { needsCaCertificates } from "../verify/needs.js";
import { maskEnvLine } from "./mask.js";
import { storedCompressionOf } from "./stored.js";
import type { ConfigReport, ProgramReport, DirectoryBytes, GoBinaryReport, ImageInspection, LayerReport, TreeEntry } from "./types.js";

export interface InspectOptions {
  reference: string;
  /** Include the final file tree. */
  tree?: boolean;
  /** The program the container starts (see programReport). */
  program?: ProgramReport;
}


function layerReports(image: Image, scan: ImageScan): LayerReport[] {
  const history = (image.config.history ?? []).filter((h) => h.empty_layer !== true);
  // Only trust the pairing when the counts agree; otherwise it would name the wrong instruction.
  const paired = history.length === image.layers.length;
  return image.layers.map((layer, index) => {
    const changes = scan.filesystem.layers[index];
    const report: LayerReport = {
      index,
      digest: layer.digest,
      diffId: layer.diffId,
      mediaType: layer.mediaType,
      size: layer.size,
      compression: storedCompression(layer),
      filesBytes: changes?.bytes ?? 0,
      added: changes?.added.length ?? 0,
      changed: changes?.changed.length ?? 0,
      removed: changes?.removed.length ?? 0,
    };
    const entry = paired ? history[index] : undefined;
    if (entry?.created_by !== undefined) report.createdBy = entry.created_by;
    if (entry?.created !== undefined) report.created = entry.created;
    if (entry?.comment !== undefined && entry.comment !== "") report.comment = entry.comment;
    return report;
  });
}

/** Sorted by name, values of secret-looking names masked as in env. */
function maskedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, maskEnvLine(`${k}=${v}`).slice(k.length + 1)]));
}

function configReport(image: Image): ConfigReport {
  const c = image.config.config ?? {};
  const report: ConfigReport = {
    env: (c.Env ?? []).map(maskEnvLine),
    exposedPorts: Object.keys(c.ExposedPorts ?? {}).sort(),
    volumes: Object.keys(c.Volumes ?? {}).sort(),
    labels: maskedRecord(c.Labels ?? {}),
  };
  if (c.Entrypoint != null) report.entrypoint = c.Entrypoint;
  if (c.Cmd != null) report.cmd = c.Cmd;
  if (c.User != null && c.User !== "") report.user = c.User;
  if (c.WorkingDir != null && c.WorkingDir !== "") report.workingDir = c.WorkingDir;
  if (c.StopSignal != null && c.StopSignal !== "") report.stopSignal = c.StopSignal;
  const h = c.Healthcheck;
  if (h != null) {
    report.healthcheck = {};
    if (h.Test != null) report.healthcheck.test = h.Test;
    if (h.Interval != null) report.healthcheck.interval = h.Interval;
    if (h.Timeout != null) report.healthcheck.timeout = h.Timeout;
    if (h.StartPeriod != null) report.healthcheck.startPeriod = h.StartPeriod;
    if (h.Retries != null) report.healthcheck.retries = h.Retries;
  }
  return report;
}

function runtimeNeeds(info: GoBinaryInfo): string[] {
  const r = info.runtime;
  const needs: string[] = [];
  const { linking, interpreter, needed } = info.elf;
  if (linking === "dynamic") needs.push(`dynamic loader and libraries (${[interpreter, ...needed].filter(Boolean).join(", ")})`);
  if (r.tlsClient.linked) needs.push(needsCaCertificates(info) ? "TLS client (needs CA certificates)" : "TLS client (CA roots embedded: x509roots/fallback)");
  else if (r.x509Roots.linked) needs.push("crypto/x509 system roots");
  if (r.zoneinfo.linked) needs.push(r.zoneinfo.embeddedTzdata ? "time zone loading (time/tzdata embedded)" : "time zone loading (needs zoneinfo)");
  if (r.tempFiles.linked) needs.push("temp files (needs a writable temp dir)");
  if (r.osUser.linked) needs.push(`os/user (${r.osUser.lookup} lookup)`);
  if (r.cgoResolver.linked) needs.push("net cgo resolver (libc getaddrinfo)");
  return needs;
}

export function goBinaryReport(path: string, info: GoBinaryInfo): GoBinaryReport {
  const known = info.buildInfo?.known;
  const settings: GoBinaryReport["settings"] = { trimpath: known?.trimpath ?? false };
  if (known?.cgoEnabled !== undefined) settings.cgoEnabled = known.cgoEnabled;
  if (known?.ldflags !== undefined) settings.ldflags = known.ldflags;
  if (known?.goos !== undefined) settings.goos = known.goos;
  if (known?.goarch !== undefined) settings.goarch = known.goarch;
  if (known?.tags !== undefined) settings.tags = known.tags;
  const report: GoBinaryReport = {
    path,
    size: info.size,
    settings,
    dependencies: info.buildInfo?.deps.length ?? 0,
    machine: info.elf.machine,
    linking: info.elf.linking,
    needed: info.elf.needed,
    stripped: info.elf.stripped,
    debugInfo: info.elf.debugInfo,
    runtimeNeeds: runtimeNeeds(info),
    warnings: info.warnings,
  };
  if (info.goVersion !== undefined) report.goVersion = info.goVersion;
  if (info.buildInfo?.path !== undefined) report.packagePath = info.buildInfo.path;
  if (info.buildInfo?.main !== undefined) report.module = { path: info.buildInfo.main.path, version: info.buildInfo.main.version };
  if (known?.vcsRevision !== undefined) report.vcsRevision = known.vcsRevision;
  if (known?.vcsModified !== undefined) report.vcsModified = known.vcsModified;
  if (info.elf.interpreter !== undefined) report.interpreter = info.elf.interpreter;
  if (info.linked !== undefined) report.packagesLinked = info.linked.packages.length;
  return report;
}

/** What the container's exec-form entrypoint is, read from its first bytes; undefined for shell form or a missing file. */
export async function programReport(view: ImageView): Promise<ProgramReport | undefined> {
  const started = await entrypointProgram(view);
  if (started === undefined) return undefined;
  const goBinary = view.goBinaries.some((b) => b.path === started.path);
  const report: ProgramReport = { path: started.path, format: `${goBinary ? "Go binary, " : ""}${describeFormat(started.format)}` };
  const { os, architecture } = view.platform;
  if (whyNotRunnable(started.format, view.platform) !== undefined) report.problem = `${os}/${architecture} cannot exec it ("exec format error")`;
  return report;
}

/** Bytes per directory of the final file system, `depth` levels deep, biggest first. */
export function directoryBytes(files: Iterable<FileNode>, depth = 4): DirectoryBytes {
  const root: DirectoryBytes = { path: "/", bytes: 0, files: 0, children: [] };
  const index = new Map<string, DirectoryBytes>([["/", root]]);
  for (const node of files) {
    if (node.type !== "file") continue;
    const parts = node.path.split("/").slice(0, -1).slice(0, depth);
    let current = root;
    current.bytes += node.size;
    current.files++;
    let path = "";
    for (const part of parts) {
      path += `/${part}`;
      let child = index.get(path);
      if (child === undefined) {
        child = { path, bytes: 0, files: 0, children: [] };
        index.set(path, child);
        current.children.push(child);
      }
      child.bytes += node.size;
      child.files++;
      current = child;
    }
  }
  const sort = (d: DirectoryBytes): void => {
    d.children.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
    d.children.forEach(sort);
  };
  sort(root);
  return root;
}

function treeEntries(files: Iterable<FileNode>): TreeEntry[] {
  return [...files]
    .map((n) => {
      const entry: TreeEntry = { path: posix.join("/", n.path), type: n.type, size: n.type === "file" ? n.size : 0, mode: n.mode.toString(8).padStart(4, "0"), layer: n.layer };
      if (n.linkTarget !== undefined) entry.linkTarget = n.linkTarget;
      return entry;
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Everything inspect shows about one image, from the image model and one scan of its layers. */
export function inspectionOf(image: Image, scan: ImageScan, options: InspectOptions): ImageInspection {
  const layers = layerReports(image, scan);
  const labels = image.config.config?.Labels ?? {};
  const annotations = image.manifest.annotations ?? {};
  const baseName = annotations[BASE_NAME] ?? labels[BASE_NAME];
  const baseDigest = annotations[BASE_DIGEST] ?? labels[BASE_DIGEST];
  const result: ImageInspection = {
    reference: options.reference,
    digest: image.digest,
    mediaType: image.mediaType,
    platform: platformString(platformOf(image)),
    annotations: maskedRecord(annotations),
    size: {
      compressed: image.layers.reduce((sum, l) => sum + l.size, 0),
      stored: image.layers.reduce((sum, l) => sum + l.size, 0),
      storedCompression: storedCompressionOf(layers),
      layersFiles: layers.reduce((sum, l) => sum + l.filesBytes, 0),
      final: scan.filesystem.totalBytes,
      wasted: scan.filesystem.wastedBytes,
    },
    layerCount: image.layers.length,
    layers,
    config: configReport(image),
    goBinaries: scan.view.goBinaries.map((b) => goBinaryReport(b.path, b.info)),
    directories: directoryBytes(scan.filesystem.files.values()),
    warnings: scan.warnings,
  };
  if (options.program !== undefined) result.program = options.program;
  if (image.config.created !== undefined) result.created = image.config.created;
  if (baseName !== undefined || baseDigest !== undefined) result.baseImage = { ...(baseName ? { name: baseName } : {}), ...(baseDigest ? { digest: baseDigest } : {}) };
  if (options.tree) result.tree = treeEntries(scan.filesystem.files.values());
  return result;
}
