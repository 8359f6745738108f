import { buildCaches, goroots, isUnder } from "../go-trees.js";
import { fail, pass, type VerifyCheck } from "../types.js";

/** A few stray .go files can be data (templates, examples); more than this is a source tree. */
export const MAX_STRAY_GO_FILES = 10;
const SHOWN = 5;

export const check: VerifyCheck = {
  id: "SV010",
  name: "no-toolchain",
  title: "No Go toolchain, build or module cache, or source tree in the final file system",
  async run(view) {
    const evidence: string[] = [];
    const problems: string[] = [];
    const roots = goroots(view);
    const toolBinaries = view.goBinaries.filter(
      (b) => ["cmd/go", "cmd/gofmt"].includes(b.info.buildInfo?.path ?? "") || /(^|\/)go\/bin\/(go|gofmt)$/.test(b.path),
    );
    if (roots.length > 0 || toolBinaries.length > 0) {
      problems.push("a Go toolchain");
      for (const root of roots.slice(0, SHOWN)) evidence.push(`Go installation at ${root} (has pkg/tool or src/runtime)`);
      for (const b of toolBinaries.slice(0, SHOWN)) evidence.push(`${b.path}: ${b.info.buildInfo?.path ?? "go tool"} ${b.info.goVersion ?? ""}`.trim());
    }
    const cacheDirs = buildCaches(view);
    const cacheList = [...cacheDirs].filter(([dir]) => !isUnder(dir, roots));
    if (cacheList.length > 0) {
      problems.push("Go build or module caches");
      for (const [dir, count] of cacheList.slice(0, SHOWN)) evidence.push(`${dir}: ${count} cached files`);
    }
    const skipTrees = [...roots, ...cacheList.map(([dir]) => dir)];
    const goFiles: string[] = [];
    const moduleFiles: string[] = [];
    for (const [path, entry] of view.files) {
      if (entry.type !== "file" || isUnder(path, skipTrees)) continue;
      if (path.endsWith(".go")) goFiles.push(path);
      else if (/\/go\.(mod|sum|work)$/.test(path)) moduleFiles.push(path);
    }
    if (moduleFiles.length > 0 || goFiles.length > MAX_STRAY_GO_FILES) {
      problems.push("Go source code");
      for (const f of moduleFiles.slice(0, SHOWN)) evidence.push(`module file ${f}`);
      if (goFiles.length > 0) evidence.push(`${goFiles.length} .go files, e.g. ${goFiles.slice(0, SHOWN).join(", ")}`);
    }
    if (problems.length > 0) {
      return fail(
        `the final image holds ${problems.join(", ")}, which only the build needs (size, attack surface, leaked source): build in one stage and COPY --from=build only the binary into a scratch or distroless stage`,
        evidence,
      );
    }
    return pass("no Go toolchain, caches or source tree in the image", goFiles.length > 0 ? [`${goFiles.length} stray .go files (at most ${MAX_STRAY_GO_FILES} allowed): ${goFiles.slice(0, SHOWN).join(", ")}`] : []);
  },
};
