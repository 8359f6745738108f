import { isAbsolute, relative, resolve } from "node:path";

/** A path as the user can type it in messages: relative to the working directory when it is below it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  if (rel === "") return ".";
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

/** A file the module analysis names relative to the module root (main.go, cmd/api/main.go), as displayPath shows it. */
export function displayModuleFile(root: string, file: string): string {
  return displayPath(resolve(root, file));
}

/**
 * go's own messages (compile errors) with the paths go printed relative to `cwd`, where it ran
 * (`./main.go:26:40`, `internal/x/x.go:3:9`), made relative to slimgo's working directory: unchanged when they are the same.
 */
export function goOutputFromCwd(text: string, cwd: string): string {
  if (resolve(cwd) === process.cwd()) return text;
  return text.replace(/^([^\s:#]+\.(?:go|s|c|h|cc|cpp|mod|sum|work))(?=:\d)/gm, (_m, path: string) => displayPath(resolve(cwd, path)));
}

/** A `file:line` the module analysis found (its file relative to the module root), as the user can open it from here. */
export function displayModuleLine(root: string, at: { file: string; line: number }): string {
  return `${displayModuleFile(root, at.file)}:${at.line}`;
}
