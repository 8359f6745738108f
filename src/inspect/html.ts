/**
 * The `inspect --html` report: one self-contained HTML file (inline CSS and SVG, no scripts, no
 * fetches; a Content-Security-Policy forbids any) with treemaps of where the bytes go, per layer
 * and per directory, and the verify results.
 */
import type { VerifyReport } from "../verify/types.js";
import { formatBytes } from "../verify/size.js";
import { squarify, type Rect } from "./treemap.js";
import { compressionWord, storedWording } from "./stored.js";
import type { DirectoryBytes, ImageInspection, InspectResult, LayerReport } from "./types.js";

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
const WIDTH = 960;
const HEIGHT = 420;

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function round(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

function label(rect: Rect, lines: string[], size = 12): string {
  if (rect.width < 60 || rect.height < size + 6) return "";
  const fit = lines.slice(0, Math.max(1, Math.floor((rect.height - 4) / (size + 2))));
  const chars = Math.floor((rect.width - 8) / (size * 0.6));
  return fit
    .map((line, i) => {
      const text = line.length > chars ? `${line.slice(0, Math.max(1, chars - 1))}…` : line;
      return `<text x="${round(rect.x + 4)}" y="${round(rect.y + (i + 1) * (size + 2))}" font-size="${size}">${esc(text)}</text>`;
    })
    .join("");
}

function box(rect: Rect, fill: string, title: string, cls: string): string {
  return `<rect class="${cls}" x="${round(rect.x)}" y="${round(rect.y)}" width="${round(Math.max(rect.width, 0))}" height="${round(Math.max(rect.height, 0))}" fill="${fill}"><title>${esc(title)}</title></rect>`;
}

/** Follows a directory down while one subdirectory holds nine tenths of its bytes and has subdirectories of its own. */
function collapse(dir: DirectoryBytes): DirectoryBytes {
  let current = dir;
  for (;;) {
    const [biggest] = current.children;
    if (biggest === undefined || biggest.children.length === 0 || biggest.bytes < 0.9 * current.bytes) return current;
    current = biggest;
  }
}

/** Directories of the final file system: top-level ones, each filled with its subdirectories. */
export function directoryTreemap(root: DirectoryBytes, width = WIDTH, height = HEIGHT): string {
  const parts: string[] = [];
  // Files directly in / (a binary at /app) get one box of their own, not divided further.
  const rootFiles: DirectoryBytes = {
    path: "/ (files)",
    bytes: root.bytes - root.children.reduce((s, c) => s + c.bytes, 0),
    files: root.files - root.children.reduce((s, c) => s + c.files, 0),
    children: [],
  };
  const entries = [...root.children, ...(rootFiles.bytes > 0 ? [rootFiles] : [])];
  const top = squarify(entries.map((d) => ({ value: d.bytes, data: d })), { x: 0, y: 0, width, height });
  top.forEach((placed, i) => {
    const dir = placed.data;
    const color = PALETTE[i % PALETTE.length]!;
    parts.push(box(placed, color, `${dir.path}: ${formatBytes(dir.bytes)} in ${dir.files} file${dir.files === 1 ? "" : "s"}`, "dir"));
    const header = 18;
    const inner = { x: placed.x + 2, y: placed.y + header, width: placed.width - 4, height: placed.height - header - 2 };
    // A directory that is almost all one subdirectory (/usr → /usr/local/go) shows that one's contents.
    const shown = collapse(dir);
    const rest = dir.bytes - shown.children.reduce((s, c) => s + c.bytes, 0);
    const restName = shown === dir ? `${dir.path} (files)` : `${dir.path} (rest)`;
    const children = [...shown.children.map((c) => ({ value: c.bytes, data: c })), ...(rest > 0 ? [{ value: rest, data: { path: restName, bytes: rest, files: 0, children: [] } }] : [])];
    if (dir !== rootFiles && inner.width > 20 && inner.height > 20) {
      for (const sub of squarify(children, inner)) {
        parts.push(box(sub, color, `${sub.data.path}: ${formatBytes(sub.data.bytes)}`, "subdir"));
        parts.push(label(sub, [sub.data.path.slice(dir.path.length + 1) || sub.data.path, formatBytes(sub.data.bytes)], 11));
      }
    }
    parts.push(label({ ...placed, height: Math.min(placed.height, header + 2) }, [`${dir.path} ${formatBytes(dir.bytes)}`], 12));
  });
  if (top.length === 0) parts.push(`<text x="10" y="24" font-size="14">no files</text>`);
  return `<svg class="treemap" role="img" aria-label="bytes per directory" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${parts.join("")}</svg>`;
}

/** Layers by the bytes of files each writes (what unpacking costs), labelled with their instruction. */
export function layerTreemap(layers: readonly LayerReport[], width = WIDTH, height = 220): string {
  const parts: string[] = [];
  const placed = squarify(layers.map((l) => ({ value: Math.max(l.filesBytes, l.size), data: l })), { x: 0, y: 0, width, height });
  for (const p of placed) {
    const l = p.data;
    const color = PALETTE[l.index % PALETTE.length]!;
    const what = l.createdBy?.replace(/\s+/g, " ").trim() ?? "(no history)";
    parts.push(box(p, color, `layer ${l.index}: ${formatBytes(l.filesBytes)} of files, ${formatBytes(l.size)} stored (${compressionWord(l.compression)}) — ${what}`, "layer"));
    parts.push(label(p, [`#${l.index} ${formatBytes(l.filesBytes)}`, what], 12));
  }
  if (placed.length === 0) parts.push(`<text x="10" y="24" font-size="14">no layers with files</text>`);
  return `<svg class="treemap" role="img" aria-label="bytes per layer" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${parts.join("")}</svg>`;
}

function row(cells: string[], header = false): string {
  const tag = header ? "th" : "td";
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join("")}</tr>`;
}

function verifySection(report: VerifyReport | undefined): string {
  if (report === undefined) return "";
  const rows = report.checks.map((c) =>
    row([
      `<span class="status ${c.status}">${c.status.toUpperCase()}</span>`,
      esc(`${c.id} ${c.name}`),
      `${esc(c.message)}${c.evidence.length > 0 && c.status !== "skip" ? `<ul>${c.evidence.map((e) => `<li><code>${esc(e)}</code></li>`).join("")}</ul>` : ""}`,
    ]),
  );
  const { pass, fail, skip } = report.counts;
  return `<h3>Verify: ${report.passed ? '<span class="status pass">passed</span>' : '<span class="status fail">failed</span>'} <small>${pass} passed, ${fail} failed, ${skip} skipped</small></h3>
<table class="checks">${row(["", "check", "result"], true)}${rows.join("")}</table>`;
}

function imageSection(r: ImageInspection, verify: VerifyReport | undefined): string {
  const summary = [
    ["digest", `<code>${esc(r.digest)}</code>`],
    ["platform", esc(r.platform)],
    ["created", esc(r.created ?? "unknown")],
    ...(r.baseImage ? [["base image", esc([r.baseImage.name, r.baseImage.digest].filter(Boolean).join("@"))]] : []),
    ...(Object.keys(r.annotations).length > 0 ? [["annotations", `<pre>${esc(Object.entries(r.annotations).map(([k, v]) => `${k}=${v}`).join("\n"))}</pre>`]] : []),
    ["stored", `${formatBytes(r.size.stored)} (${esc(storedWording(r.layers))})`],
    ["files", `${formatBytes(r.size.final)} in the final file system, ${formatBytes(r.size.layersFiles)} written by all layers`],
    ["wasted", `${formatBytes(r.size.wasted)} overwritten or deleted by later layers`],
    ["layers", String(r.layerCount)],
  ];
  const layers = r.layers.map((l) =>
    row([String(l.index), `${formatBytes(l.size)} ${compressionWord(l.compression)}`, formatBytes(l.filesBytes), `+${l.added} ~${l.changed} −${l.removed}`, `<code>${esc(l.createdBy ?? "(no history)")}</code>`]),
  );
  const c = r.config;
  const config: [string, string][] = [
    ["entrypoint", JSON.stringify(c.entrypoint ?? null)],
    ["cmd", JSON.stringify(c.cmd ?? null)],
    ["runs", r.program ? `${r.program.path}: ${r.program.format}${r.program.problem ? ` (${r.program.problem})` : ""}` : ""],
    ["user", c.user ?? "(root: not set)"],
    ["working dir", c.workingDir ?? ""],
    ["env", c.env.join("\n")],
    ["exposed ports", c.exposedPorts.join(", ")],
    ["labels", Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).join("\n")],
    ["health check", JSON.stringify(c.healthcheck?.test ?? null)],
    ["stop signal", c.stopSignal ?? ""],
  ];
  const binaries = r.goBinaries.map((b) =>
    row([
      `<code>${esc(b.path)}</code>`,
      formatBytes(b.size),
      esc(b.goVersion ?? "?"),
      esc(b.module ? `${b.module.path} ${b.module.version}` : (b.packagePath ?? "?")),
      esc(b.linking === "static" ? "static" : `dynamic: ${[b.interpreter, ...b.needed].filter(Boolean).join(", ")}`),
      esc(b.runtimeNeeds.join("; ") || "nothing"),
    ]),
  );
  return `<section class="image">
<h2>${esc(r.reference)} <small>${esc(r.platform)}</small></h2>
<table class="summary">${summary.map(([k, v]) => row([esc(k!), v!])).join("")}</table>
${verifySection(verify)}
<h3>Where the bytes go: directories</h3>
${directoryTreemap(r.directories)}
<h3>Where the bytes go: layers</h3>
${layerTreemap(r.layers)}
<table class="layers">${row(["#", "stored", "files", "changes", "created by"], true)}${layers.join("")}</table>
<h3>Go binaries</h3>
${binaries.length > 0 ? `<table class="binaries">${row(["path", "size", "Go", "module", "linking", "needs at run time"], true)}${binaries.join("")}</table>` : "<p>No Go binaries found.</p>"}
<h3>Config</h3>
<table class="config">${config.map(([k, v]) => row([esc(k), `<pre>${esc(v)}</pre>`])).join("")}</table>
</section>`;
}

/** The report as one HTML document; `verify` holds one report per image, in the same order. */
export function formatInspectHtml(result: InspectResult, verify: readonly (VerifyReport | undefined)[] = []): string {
  const title = `slimgo inspect ${result.reference}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d2330; background: #fff; }
h1 { font-size: 22px; } h2 { font-size: 18px; border-bottom: 1px solid #ccd; padding-bottom: 4px; } small { color: #667; font-weight: normal; }
table { border-collapse: collapse; margin: 8px 0 16px; } td, th { border: 1px solid #dde; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f4f8; } code, pre { font: 12px ui-monospace, monospace; } pre { margin: 0; white-space: pre-wrap; }
.status { font-weight: bold; padding: 1px 6px; border-radius: 3px; color: #fff; } .pass { background: #2e7d32; } .fail { background: #c62828; } .skip { background: #888; }
svg.treemap { display: block; max-width: 100%; height: auto; border: 1px solid #ccd; } svg text { fill: #fff; font-family: system-ui, sans-serif; pointer-events: none; }
rect.dir, rect.layer { stroke: #fff; stroke-width: 2; } rect.subdir { stroke: #fff; stroke-width: 1; fill-opacity: 0.75; }
ul { margin: 2px 0; padding-left: 18px; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p>${result.index ? `Index <code>${esc(result.digest)}</code> with ${result.images.length} platforms.` : `Image <code>${esc(result.digest)}</code>.`} Generated by slimgo; this file loads nothing from the network.</p>
${result.images.map((image, i) => imageSection(image, verify[i])).join("\n")}
</body>
</html>
`;
}
