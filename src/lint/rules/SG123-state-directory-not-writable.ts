import type { StateDirectory } from "../../analysis/types.js";
import { lookupAt } from "../model/build.js";
import { finalStageProgram } from "../model/go-build-context.js";
import { putFromOutsideContext } from "../model/image-files.js";
import { runsAsNonRootByDefault } from "../model/images.js";
import { lastUser, rootImage, stageSetsEnv } from "../model/queries.js";
import type { DockerfileModel, StageModel } from "../model/types.js";
import { expand } from "../model/variables.js";
import type { Rule } from "../types.js";

/** The user the final stage runs as, when it is known and not root; undefined otherwise. */
function nonRootUser(model: DockerfileModel, final: StageModel): string | undefined {
  const last = lastUser(final);
  // distroless :nonroot and the like run as 65532.
  if (!last) return runsAsNonRootByDefault(rootImage(final)) ? "65532:65532" : undefined;
  const e = expand(last.args[0] ?? "", lookupAt(model, last), model.escape);
  const user = e.value.split(":")[0];
  return e.unknown || user === "root" || user === "0" ? undefined : e.value;
}

/** Whether the path occurs in the text as a whole path (`/var/lib/app`, `/out/rootfs/var/lib/app/`), not as part of a longer name. */
function mentions(text: string, path: string): boolean {
  for (let i = text.indexOf(path); i >= 0; i = text.indexOf(path, i + 1)) {
    if (!/[\w.-]/.test(text[i + path.length] ?? "")) return true;
  }
  return false;
}

/**
 * Whether the Dockerfile may make the directory, or says it is mounted: a RUN, COPY or ADD of any
 * stage that names it (`chown 65532 /out/rootfs/var/lib/app`, then a copy of the tree), or a copy
 * from another stage or image, or a VOLUME, that covers it. A WORKDIR alone does not count: it
 * creates the directory owned by root.
 */
function mayBeWritable(model: DockerfileModel, final: StageModel, path: string): boolean {
  for (const ins of model.stages.flatMap((s) => s.instructions)) {
    if ((ins.keyword === "RUN" || ins.keyword === "COPY" || ins.keyword === "ADD") && mentions(model.text.slice(ins.start, ins.end), path)) return true;
  }
  return putFromOutsideContext(final, path);
}

/** Whether the image moves the directory elsewhere: the flag in the program's arguments, or the variable set by ENV. */
function movedByImage(model: DockerfileModel, final: StageModel, args: readonly string[], dir: StateDirectory): boolean {
  if (dir.source === "flag" && dir.name) return args.some((a) => new RegExp(`^--?${dir.name}(=|$)`).test(a));
  if (dir.source === "env" && dir.name) return stageSetsEnv(model, final, dir.name);
  return false;
}

function whereFrom(dir: StateDirectory): string {
  const at = `${dir.evidence.file}:${dir.evidence.line}`;
  if (dir.source === "flag") return `the default of its -${dir.name} flag, ${at}`;
  if (dir.source === "env") return `the default of ${dir.name}, ${at}`;
  return at;
}

export const rule: Rule = {
  meta: {
    id: "SG123",
    name: "state-directory-not-writable",
    severity: "warning",
    description:
      "The Go program the image runs writes its state to an absolute directory (os.MkdirAll(\"/var/lib/app\"), or the default of a -data flag or DATA_DIR variable), the image runs it as a non-root user, and nothing in the Dockerfile makes that directory or mounts a VOLUME there: the program cannot create it and fails with permission denied.",
    docs: "docs/rules/SG123.md",
    peers: {},
    needsModule: true,
  },
  check(ctx) {
    const started = finalStageProgram(ctx.model, ctx.module);
    if (!started) return;
    const { final, program, args } = started;
    const user = nonRootUser(ctx.model, final);
    if (user === undefined) return;
    for (const dir of program.facts.stateDirectories) {
      if (movedByImage(ctx.model, final, args, dir) || mayBeWritable(ctx.model, final, dir.path)) continue;
      const moveIt = dir.source === "flag" ? `, or pass -${dir.name} a mounted directory` : dir.source === "env" ? `, or set ${dir.name} to a mounted directory` : "";
      ctx.report({
        at: final.from,
        message:
          `${program.binary} writes its state to ${dir.path} (${whereFrom(dir)}), and the image runs it as ${user} with no such directory: it cannot create it (permission denied); ` +
          `make it in the build stage and copy it over, owned by that user (RUN mkdir -p /out/state${dir.path} && chown ${user} /out/state${dir.path}, then COPY --from=build /out/state/ /)${moveIt}`,
      });
    }
  },
};
