/** Main packages: which directories build a binary, its name, and which one `init`/`build` use by default. */
import type { MainPackage } from "./types.js";

/** The binary `go build` writes: the last import path element, skipping a major-version suffix (example.com/app/v2 -> app). */
export function binaryName(importPath: string): string {
  const parts = importPath.split("/");
  const last = parts[parts.length - 1]!;
  return /^v\d+$/.test(last) && parts.length > 1 ? parts[parts.length - 2]! : last;
}

/** Root main, else cmd/<last element of the module path>, else the only one, else none (ask for --main). */
export function choosePrimary(mains: MainPackage[], modulePath: string): { primary?: MainPackage; reason: string } {
  const root = mains.find((m) => m.dir === ".");
  if (root) return { primary: root, reason: `the module root is a main package (${root.evidence.file}:${root.evidence.line})` };
  const name = binaryName(modulePath);
  const cmd = mains.find((m) => m.dir === `cmd/${name}`);
  if (cmd) return { primary: cmd, reason: `cmd/${name} is named after the module (${modulePath})` };
  if (mains.length === 1) return { primary: mains[0]!, reason: `${mains[0]!.dir} is the only main package` };
  if (mains.length === 0) return { reason: "no main package (package main with func main) in the module" };
  const dirs = mains.map((m) => `./${m.dir}`).join(", ");
  return { reason: `${mains.length} main packages (${dirs}) and none is at the root or named cmd/${name}: pass --main with one of them` };
}
