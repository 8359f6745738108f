import type { Instruction } from "dockerfile-ast";
import type { SourceRange } from "../types.js";
import type { ImageRef } from "./images.js";

import type { NestedScript, ShellCommand, ShellWord } from "../../shell/types.js";

export type { NestedScript, ShellCommand, ShellWord };

export interface FlagModel {
  name: string;
  value: string | null;
  range: SourceRange;
}

/** `--mount=type=cache,target=/go/pkg/mod` → { type: "cache", target: "/go/pkg/mod" }. */
export type MountModel = Record<string, string>;

export interface HeredocModel {
  name: string;
  /** Body text without the delimiter lines. */
  content: string;
  contentStart: number;
  terminated: boolean;
}

export interface InstructionModel {
  index: number;
  /** Upper-case keyword, e.g. "RUN". */
  keyword: string;
  range: SourceRange;
  /** Offsets of the whole instruction in the Dockerfile text: [start, end). */
  start: number;
  end: number;
  /** Stage index, or -1 for instructions before the first FROM. */
  stage: number;
  flags: FlagModel[];
  mounts: MountModel[];
  /** Argument tokens as dockerfile-ast splits them (flags excluded, quotes kept). */
  args: string[];
  /** Offset where the arguments (after flags) begin, or `end` when there are none. */
  argsStart: number;
  /** Exec-form arguments when the instruction is written as a JSON array; null in shell form. */
  json: string[] | null;
  /**
   * Shell commands for RUN and shell-form CMD/ENTRYPOINT/HEALTHCHECK CMD (heredoc bodies included);
   * for an exec-form RUN, the JSON array as one command, its words all pointing at the whole array,
   * then the commands of the script it gives a shell (`["sh", "-c", "..."]`).
   */
  commands: ShellCommand[];
  heredocs: HeredocModel[];
  /** The parser's node, for the rare rule that needs more. */
  node: Instruction;
}

export interface CopyEdge {
  instruction: InstructionModel;
  /** The --from value as written, variables resolved when possible. */
  from: string;
  /** The stage it names, when it names one. */
  stage?: StageModel;
}

export interface StageModel {
  index: number;
  /** Lower-cased `AS` name. */
  name?: string;
  from: InstructionModel;
  /** Base image as written. */
  image: string;
  /** Base image with variables resolved where possible. */
  resolvedImage: string;
  imageRef: ImageRef;
  /** The earlier stage this one builds on (`FROM build AS test`). */
  parent?: StageModel;
  platform?: string;
  instructions: InstructionModel[];
  copyFrom: CopyEdge[];
  isFinal: boolean;
}

export interface ParseProblem {
  line: number;
  message: string;
}

export interface DockerfileModel {
  text: string;
  escape: string;
  /** Parser directives (`# syntax=`, `# escape=`, `# check=`) by lower-case name. */
  directives: Map<string, { value: string; line: number }>;
  comments: { line: number; text: string }[];
  instructions: InstructionModel[];
  /** ARGs declared before the first FROM, with their defaults (undefined: none). */
  globalArgs: Map<string, string | undefined>;
  stages: StageModel[];
  finalStage?: StageModel;
  problems: ParseProblem[];
  /** Offset into `text` of a 0-based line and character as the parser reports them. */
  offsetAt(line: number, character: number): number;
  /** 1-based line and column of an offset. */
  positionAt(offset: number): { line: number; column: number };
}
