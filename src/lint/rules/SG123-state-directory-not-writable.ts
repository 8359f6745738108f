import type { StateDirectory } from "../../analysis/types.js";
import { lookupAt } from "../model/build.js";
import { directoryAccess } from "../model/directory-access.js";
import { finalStageProgram } from "../model/go-build-context.js";
import { runsAsNonRootByDefault } from "../model/images.js";
import { lastUser, rootImage, stageSetsEnv } from "../model/queries.js";
import type { DockerfileModel, InstructionModel, StageModel } from "../model/types.js";
import { expand } from "../model/variables.js";
import type { Rule } from "../types.js";
import { displayModuleLine } from "../../fsutil/display-path.js";

/** The user the final stage runs as, when it is known and not root; undefined otherwise. */
function nonRootUser(model: DockerfileModel, final: StageModel): string | undefined {
  const last = lastUser(final);
  // distroless :nonroot and the like run as 65532.
  if (!last) return runsAsNonRootByDefault(rootImage(final)) ? "65532:65532" : undefined;
  const e = expand(last.args[0] ?? "", lookupAt(model, last), model.escape);
  const user = e.value.split(":")[0];
  return e.unknown || user === "root" || user === "0" ? undefined : e.value;
}

/** Whether the image moves the directory elsewhere: the flag in the program's arguments, or the variable set by ENV. */
function movedByImage(model: DockerfileModel, final: StageModel, args: readonly string[], dir: StateDirectory): boolean {
  if (dir.source === "flag" && dir.name) return args.some((a) => new RegExp(`^--?${dir.name}(=|$)`).test(a));
  if (dir.source === "env" && dir.name) return stageSetsEnv(model, final, dir.name);
  return false;
}

/** Who owns the directory an instruction makes, and why, for the message. */
function whoOwns(made: InstructionModel): string {
  const at = `line ${made.range.line}`;
  // podman gives a new volume over a missing directory to the container's user; Docker makes it root's.
  if (made.keyword === "VOLUME") return `only the VOLUME at ${at} makes it, and Docker mounts a new volume there owned by root (a new volume takes the owner of the image's directory, and the image has none; podman gives it to the user, Docker does not)`;
  if (made.keyword === "WORKDIR") return `the WORKDIR at ${at} makes that directory owned by root (it is made as the USER in effect there)`;
  if (made.keyword === "RUN") return `the directory the RUN at ${at} makes is owned by root`;
  return `the directory the ${made.keyword} at ${at} puts there is owned by root`;
}

function whereFrom(dir: StateDirectory, root: string): string {
  const at = displayModuleLine(root, dir.evidence);
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
      "The Go program the image runs writes its state to an absolute directory (os.MkdirAll(\"/var/lib/app\"), or the default of a -data flag or DATA_DIR variable), the image runs it as a non-root user, and nothing in the Dockerfile gives that user the directory: the image has none (the program cannot create it) or has one owned by root (a RUN mkdir, a WORKDIR before USER, a COPY without --chown, a VOLUME), and the program fails with permission denied.",
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
      if (movedByImage(ctx.model, final, args, dir)) continue;
      const access = directoryAccess(ctx.model, final, dir.path, user);
      if (access.writable) continue;
      const moveIt = dir.source === "flag" ? `, or pass -${dir.name} a mounted directory` : dir.source === "env" ? `, or set ${dir.name} to a mounted directory` : "";
      const makeIt = `make it in the build stage and copy it over, owned by that user (RUN mkdir -p /rootfs${dir.path} && chown ${user} /rootfs${dir.path}, then COPY --from=build /rootfs/ /)`;
      const made = access.madeBy;
      ctx.report({
        at: final.from,
        message: made
          ? `${program.binary} writes its state to ${dir.path} (${whereFrom(dir, ctx.module!.root)}), and the image runs it as ${user}, but ${whoOwns(made)}: it cannot write there (permission denied); ` +
            `${made.keyword === "RUN" && made.stage === final.index ? `chown it to that user where it is made (chown ${user} ${dir.path}), or ` : ""}${makeIt}${moveIt}`
          : `${program.binary} writes its state to ${dir.path} (${whereFrom(dir, ctx.module!.root)}), and the image runs it as ${user} with no such directory: it cannot create it (permission denied); ${makeIt}${moveIt}`,
      });
    }
  },
};
