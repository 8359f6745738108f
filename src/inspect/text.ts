import { formatBytes } from "../verify/size.js";
import { storedWording } from "./stored.js";
import type { DirectoryBytes, ImageInspection, InspectResult, TreeEntry } from "./types.js";

export interface TextColors {
  bold(s: string): string;
  dim(s: string): string;
}

const plain: TextColors = { bold: (s) => s, dim: (s) => s };

function oneLine(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

function directoryLines(dir: DirectoryBytes, total: number, indent: string, depth: number, out: string[]): void {
  for (const child of dir.children.slice(0, 8)) {
    const share = total === 0 ? 0 : (child.bytes / total) * 100;
    out.push(`${indent}${formatBytes(child.bytes).padStart(10)}  ${share.toFixed(1).padStart(5)}%  ${child.path}`);
    if (depth > 1) directoryLines(child, total, `${indent}  `, depth - 1, out);
  }
}

function treeLines(tree: TreeEntry[], out: string[]): void {
  for (const e of tree) {
    const depth = e.path.split("/").length - 2;
    const name = e.path.split("/").pop() ?? e.path;
    const size = e.type === "file" ? formatBytes(e.size) : e.type === "dir" ? "" : e.type;
    const link = e.linkTarget !== undefined ? ` -> ${e.linkTarget}` : "";
    out.push(`  ${e.mode} ${size.padStart(10)}  ${"  ".repeat(depth)}${name}${e.type === "dir" ? "/" : ""}${link}`);
  }
}

/** One image as text for people. */
export function formatImageText(r: ImageInspection, colors: TextColors = plain): string {
  const out: string[] = [];
  out.push(colors.bold(`${r.reference} (${r.platform})`));
  out.push(`  digest      ${r.digest}`);
  out.push(`  media type  ${r.mediaType}`);
  if (r.created !== undefined) out.push(`  created     ${r.created}`);
  if (r.baseImage !== undefined) out.push(`  base image  ${[r.baseImage.name, r.baseImage.digest].filter(Boolean).join("@")}`);
  for (const [k, v] of Object.entries(r.annotations)) out.push(`  annotation  ${k}=${v}`);
  out.push(`  size        ${formatBytes(r.size.stored)} stored (${storedWording(r.layers)}), ${formatBytes(r.size.final)} of files, ${formatBytes(r.size.wasted)} wasted`);
  out.push(`  layers      ${r.layerCount}`);
  out.push("", colors.bold("Layers"));
  out.push(colors.dim("   #      STORED       FILES   +ADD  ~CHG  -DEL  CREATED BY"));
  for (const l of r.layers) {
    out.push(
      `  ${String(l.index).padStart(2)}  ${formatBytes(l.size).padStart(10)}  ${formatBytes(l.filesBytes).padStart(10)}  ${String(l.added).padStart(5)} ${String(l.changed).padStart(5)} ${String(l.removed).padStart(5)}  ${oneLine(l.createdBy ?? "(no history)")}`,
    );
  }
  const c = r.config;
  out.push("", colors.bold("Config"));
  if (c.entrypoint !== undefined) out.push(`  entrypoint   ${json(c.entrypoint)}`);
  if (c.cmd !== undefined) out.push(`  cmd          ${json(c.cmd)}`);
  if (r.program !== undefined) out.push(`  runs         ${r.program.path}: ${r.program.format}${r.program.problem ? `; ${r.program.problem}` : ""}`);
  out.push(`  user         ${c.user ?? "(root: not set)"}`);
  if (c.workingDir !== undefined) out.push(`  working dir  ${c.workingDir}`);
  for (const e of c.env) out.push(`  env          ${e}`);
  if (c.exposedPorts.length > 0) out.push(`  ports        ${c.exposedPorts.join(", ")}`);
  if (c.volumes.length > 0) out.push(`  volumes      ${c.volumes.join(", ")}`);
  for (const [k, v] of Object.entries(c.labels)) out.push(`  label        ${k}=${v}`);
  if (c.healthcheck !== undefined) out.push(`  healthcheck  ${json(c.healthcheck.test ?? [])}`);
  if (c.stopSignal !== undefined) out.push(`  stop signal  ${c.stopSignal}`);
  out.push("", colors.bold(`Go binaries (${r.goBinaries.length})`));
  for (const b of r.goBinaries) {
    const mod = b.module ? `${b.module.path} ${b.module.version}` : (b.packagePath ?? "module unknown");
    out.push(`  ${b.path}  ${formatBytes(b.size)}  ${b.goVersion ?? "go version unknown"}  ${mod}`);
    const settings = [
      b.settings.cgoEnabled === undefined ? undefined : `CGO_ENABLED=${b.settings.cgoEnabled ? 1 : 0}`,
      b.settings.trimpath ? "-trimpath" : undefined,
      b.settings.ldflags !== undefined ? `-ldflags=${json(b.settings.ldflags)}` : undefined,
      b.settings.goos && b.settings.goarch ? `${b.settings.goos}/${b.settings.goarch}` : undefined,
    ].filter(Boolean);
    const linking = b.linking === "static" ? "static" : `dynamic (${[b.interpreter, ...b.needed].filter(Boolean).join(", ")})`;
    out.push(`      ${linking}, ${b.machine}, ${b.stripped ? "stripped" : "not stripped"}, ${b.dependencies} dependencies${settings.length ? `, ${settings.join(" ")}` : ""}`);
    if (b.vcsRevision !== undefined) out.push(`      vcs.revision ${b.vcsRevision}${b.vcsModified ? " (modified)" : ""}`);
    out.push(`      needs at run time: ${b.runtimeNeeds.length ? b.runtimeNeeds.join("; ") : "nothing from the image"}`);
  }
  out.push("", colors.bold("Where the bytes go"));
  directoryLines(r.directories, r.directories.bytes, "  ", 2, out);
  const rootFiles = r.directories.bytes - r.directories.children.reduce((sum, c) => sum + c.bytes, 0);
  if (rootFiles > 0) {
    const share = r.directories.bytes === 0 ? 0 : (rootFiles / r.directories.bytes) * 100;
    out.push(`  ${formatBytes(rootFiles).padStart(10)}  ${share.toFixed(1).padStart(5)}%  / (files directly in /)`);
  }
  if (r.tree !== undefined) {
    out.push("", colors.bold(`File tree (${r.tree.length} entries)`));
    treeLines(r.tree, out);
  }
  for (const w of r.warnings) out.push(colors.dim(`warning: ${w}`));
  return out.join("\n") + "\n";
}

/** Every platform of the result, one block each. */
export function formatInspectText(result: InspectResult, colors: TextColors = plain): string {
  const head = result.index ? `${result.reference}: index ${result.digest} with ${result.images.length} platforms\n\n` : "";
  return head + result.images.map((i) => formatImageText(i, colors)).join("\n");
}
