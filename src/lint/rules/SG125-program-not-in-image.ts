import { posix } from "node:path";
import { execSearchPath, startedProcess } from "../model/entrypoint.js";
import { absoluteIn, atOrUnder, imageCopies, workdirAt } from "../model/image-files.js";
import { isScratch } from "../model/images.js";
import { rootImage, stageChain } from "../model/queries.js";
import type { InstructionModel, StageModel } from "../model/types.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG125",
    name: "program-not-in-image",
    severity: "error",
    description: "The exec-form ENTRYPOINT or CMD of a scratch image starts a path that no COPY or ADD puts in the image: the container fails with \"no such file or directory\".",
    docs: "docs/rules/SG125.md",
    peers: {},
  },
  check(ctx) {
    const final = ctx.model.finalStage;
    if (!final || !isScratch(rootImage(final))) return;
    const started = startedProcess(final);
    // A shell-form one is SG108's: scratch has no /bin/sh to start it with.
    if (!started || started.instruction.json === null) return;
    const files = scratchFiles(final);
    if (!files) return;
    const programs = [...new Set([started.instruction.json[0], started.argv[0]])].filter((p): p is string => p !== undefined && p !== "");
    for (const program of programs) {
      const candidates = program.includes("/") ? [absoluteIn(workdirAt(final), program)] : execSearchPath(ctx.model, started.instruction)?.map((dir) => posix.join(dir, program));
      if (!candidates || candidates.some((c) => c === undefined || files.mayHold(c))) continue;
      const missing = program.includes("/")
        ? `${candidates[0]}, but nothing in this scratch image puts a file there, so the container fails with "exec ${program}: no such file or directory"`
        : `${program}, but nothing in this scratch image puts it in a directory of the PATH (${candidates.map((c) => posix.dirname(c!)).join(", ")}), so the container fails with 'exec: "${program}": executable file not found in $PATH'`;
      const written = files.files.length > 0 ? `; the COPY instructions put ${files.files.map((f) => `${f.path} (line ${f.at.range.line})`).join(", ")}` : "";
      ctx.report({
        at: started.instruction,
        message: `${started.instruction.keyword} starts ${missing}${written}: COPY the program to that path, or start it where it is`,
      });
      return;
    }
  },
};

/** What the COPY and ADD instructions of a scratch stage's chain put in the image, or undefined when that is not known. */
interface ScratchFiles {
  /** Whether the path may be in the image: a destination, or under one that may be a directory. */
  mayHold(path: string): boolean;
  /** The destinations that are one file (a single source, no trailing /), for the message. */
  files: { path: string; at: InstructionModel }[];
}

function scratchFiles(stage: StageModel): ScratchFiles | undefined {
  // A RUN (exec form, with a copied-in tool) or a VOLUME may put anything anywhere; ADD may unpack an archive.
  const unknowable = new Set(["RUN", "ADD", "VOLUME", "ONBUILD"]);
  if (stageChain(stage).some((s) => s.instructions.some((ins) => unknowable.has(ins.keyword)))) return undefined;
  const copies = imageCopies(stage);
  if (copies.some((c) => c.target === undefined || c.sources.some((src) => src.includes("$")))) return undefined;
  const destinations = copies.map((c) => c.target!);
  const files = copies.filter((c) => c.sources.length === 1 && !c.intoDirectory && c.origin !== "heredoc").map((c) => ({ path: c.target!, at: c.instruction }));
  return {
    mayHold: (path) => destinations.some((d) => atOrUnder(path, d)),
    files,
  };
}
