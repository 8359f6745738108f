import { DockerfileParser, type Instruction, type Dockerfile } from "dockerfile-ast";
import type { SourceRange } from "../types.js";
import { parseImageRef } from "./images.js";
import { argumentProblems } from "./argument-problems.js";
import { unwrapCommand } from "./command-wrappers.js";
import { execFormScript, posixShells, withNestedScripts } from "./nested-scripts.js";
import { joinContinuations, parseScript, parseShell } from "../../shell/tokenize.js";
import type {
  CopyEdge,
  DockerfileModel,
  FlagModel,
  HeredocModel,
  InstructionModel,
  MountModel,
  ParseProblem,
  ShellCommand,
  StageModel,
} from "./types.js";
import { expand, expandWord, platformArgs, splitWords, unquoteWord, type Lookup } from "./variables.js";

const knownKeywords = new Set([
  "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
  "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
]);

/** Parses Dockerfile text into the model rules work on. Never throws: problems are collected. */
export function buildModel(text: string): DockerfileModel {
  const bom = text.startsWith("\uFEFF") ? 1 : 0;
  const source = bom ? text.slice(1) : text;
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const offsetAt = (line: number, character: number): number => {
    const start = lineStarts[Math.max(0, Math.min(line, lineStarts.length - 1))] ?? 0;
    const next = lineStarts[line + 1] ?? source.length + 1;
    return bom + Math.min(start + Math.max(0, character), next - 1, source.length);
  };
  const positionAt = (offset: number): { line: number; column: number } => {
    const o = Math.max(0, offset - bom);
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - (lineStarts[lo] ?? 0) + 1 };
  };

  const model: DockerfileModel = {
    text,
    escape: "\\",
    directives: readDirectives(source),
    comments: [],
    instructions: [],
    globalArgs: new Map(),
    stages: [],
    problems: [],
    offsetAt,
    positionAt,
  };

  // UTF-16 (PowerShell 5's `>` and Out-File write it) read as UTF-8: every other byte of ASCII text is NUL.
  if (source.slice(0, 512).includes("\u0000")) {
    model.problems.push({ line: 1, message: "the Dockerfile is UTF-16 text (as PowerShell's > and Out-File write it), which docker build and podman cannot read: save it as UTF-8" });
    return model;
  }
  let df: Dockerfile;
  try {
    df = DockerfileParser.parse(source);
    model.escape = df.getEscapeCharacter();
  } catch (error) {
    model.problems.push({ line: 1, message: `the parser could not read this Dockerfile (${describe(error)})` });
    return model;
  }
  let nodes: Instruction[] = [];
  try {
    nodes = df.getInstructions();
  } catch (error) {
    model.problems.push({ line: 1, message: `the parser could not list instructions (${describe(error)})` });
  }

  for (const node of nodes) {
    let line = 1;
    try {
      line = node.getRange().start.line + 1;
      const instruction = readInstruction(node, model, model.problems);
      model.instructions.push(instruction);
    } catch (error) {
      model.problems.push({ line, message: `the parser failed on this instruction (${describe(error)})` });
    }
  }

  model.comments = readComments(source, model.instructions);
  assignStages(model);
  return model;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]?.slice(0, 120) ?? "unknown error";
}

/** Whole-line comments outside instructions (the parser drops some, e.g. those before the first FROM). */
function readComments(source: string, instructions: InstructionModel[]): DockerfileModel["comments"] {
  const inside = new Set<number>();
  for (const i of instructions) for (let l = i.range.line + 1; l <= i.range.endLine; l++) inside.add(l);
  const comments: DockerfileModel["comments"] = [];
  const lines = source.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*#\s?(.*?)\s*$/.exec(lines[i] ?? "");
    if (m && !inside.has(i + 1)) comments.push({ line: i + 1, text: m[1] ?? "" });
  }
  return comments;
}

function readDirectives(source: string): DockerfileModel["directives"] {
  const directives: DockerfileModel["directives"] = new Map();
  const lines = source.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$/.exec(lines[i] ?? "");
    if (!m) break;
    const name = (m[1] as string).toLowerCase();
    if (directives.has(name)) break;
    directives.set(name, { value: m[2] as string, line: i + 1 });
  }
  return directives;
}

function toRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): SourceRange {
  return { line: r.start.line + 1, column: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

function readInstruction(node: Instruction, model: DockerfileModel, problems: ParseProblem[]): InstructionModel {
  const keyword = node.getKeyword().toUpperCase();
  const nodeRange = node.getRange();
  let range = toRange(nodeRange);
  const start = model.offsetAt(nodeRange.start.line, nodeRange.start.character);
  let end = model.offsetAt(nodeRange.end.line, nodeRange.end.character);

  if (!knownKeywords.has(keyword)) {
    problems.push({ line: range.line, message: `unknown instruction "${node.getInstruction()}": check the spelling or remove the line` });
  }

  const flags: FlagModel[] = [];
  const withFlags = node as unknown as { getFlags?: () => { getName(): string; getValue(): string | null; getRange(): Parameters<typeof toRange>[0] }[] };
  if (typeof withFlags.getFlags === "function") {
    for (const f of withFlags.getFlags()) flags.push({ name: f.getName(), value: unquoteFlag(f.getValue()), range: toRange(f.getRange()) });
  }
  const mounts: MountModel[] = flags.filter((f) => f.name === "mount").map((f) => parseMount(f.value ?? ""));

  const argNodes = node.getArguments();
  let args = argNodes.map((a) => a.getValue());
  const firstArg = argNodes[0];
  const argsStart = firstArg ? model.offsetAt(firstArg.getRange().start.line, firstArg.getRange().start.character) : end;

  const heredocs: HeredocModel[] = [];
  // getHeredocs() re-tokenizes the instruction; skip it when there cannot be a heredoc.
  if ((keyword === "RUN" || keyword === "COPY" || keyword === "ADD") && model.text.slice(start, end).includes("<<")) {
    const withHeredocs = node as unknown as { getHeredocs?: () => import("dockerfile-ast").Heredoc[] };
    if (typeof withHeredocs.getHeredocs === "function") {
      try {
        for (const h of withHeredocs.getHeredocs()) {
          const content = h.getContentRange();
          const delimiter = h.getDelimiterRange();
          const contentStart = content ? model.offsetAt(content.start.line, content.start.character) : end;
          const contentEnd = content ? model.offsetAt(content.end.line, content.end.character) : contentStart;
          heredocs.push({ name: h.getName(), content: model.text.slice(contentStart, contentEnd), contentStart, terminated: delimiter !== null });
          if (delimiter) {
            const delimiterEnd = model.offsetAt(delimiter.end.line, delimiter.end.character);
            if (delimiterEnd > end) {
              end = delimiterEnd;
              range = { ...range, endLine: delimiter.end.line + 1, endColumn: delimiter.end.character + 1 };
            }
          } else {
            problems.push({ line: range.line, message: `heredoc <<${h.getName()} is never closed: add a line "${h.getName()}" after its body` });
          }
        }
      } catch (error) {
        problems.push({ line: range.line, message: `the heredoc in this ${keyword} could not be parsed (${describe(error)}): check its <<NAME marker and closing line` });
      }
    }
  }

  problems.push(...argumentProblems(keyword, node, argNodes.map((a) => a.getValue()), { heredocs: heredocs.length > 0, flags: flags.length > 0 }, range.line));

  const firstBody = heredocs[0]?.contentStart;
  if ((keyword === "COPY" || keyword === "ADD") && firstBody !== undefined) {
    // The bodies are the contents of <<NAME sources, not more source or destination paths.
    args = argNodes.filter((a) => model.offsetAt(a.getRange().start.line, a.getRange().start.character) < firstBody).map((a) => a.getValue());
  }

  const escape = model.escape;
  let json: string[] | null = null;
  let commands: ShellCommand[] = [];
  const argsText = model.text.slice(argsStart, Math.max(argsStart, end));
  if (keyword === "RUN" || keyword === "CMD" || keyword === "ENTRYPOINT" || keyword === "SHELL") {
    json = parseJsonForm(argsText, argsStart, escape);
  }
  let shellText: { text: string; base: number } | undefined;
  if (keyword === "HEALTHCHECK") {
    const m = /^(\s*)(CMD)(\s+)/i.exec(argsText);
    if (m) {
      const base = argsStart + m[0].length;
      const rest = model.text.slice(base, end);
      json = parseJsonForm(rest, base, escape);
      if (json === null) shellText = { text: rest, base };
    }
  } else if ((keyword === "RUN" || keyword === "CMD" || keyword === "ENTRYPOINT") && json === null && argNodes.length > 0) {
    shellText = { text: argsText, base: argsStart };
  }
  if (shellText) {
    if (heredocs.length > 0) {
      const firstLineEnd = shellText.text.indexOf("\n");
      const head = firstLineEnd >= 0 ? shellText.text.slice(0, firstLineEnd) : shellText.text;
      commands = parseShell(head, shellText.base, escape);
      const headWords = commands.flatMap((c) => c.words.map((w) => w.value));
      const markersOnly = headWords.every((w) => w.startsWith("<<"));
      if (markersOnly) commands = [];
      // `<<EOT bash` and `bash <<EOT` alike give the body to the shell on its standard input.
      const head0 = commands[0];
      const shell = head0 ? unwrapCommand({ ...head0, words: head0.words.filter((w) => !w.value.startsWith("<<")) }).words[0]?.value.split("/").pop() : undefined;
      if (markersOnly || posixShells.has(shell ?? "")) for (const h of heredocs) commands.push(...parseScript(h.content, h.contentStart));
    } else {
      commands = parseShell(shellText.text, shellText.base, escape);
    }
    if (keyword === "RUN") commands = withNestedScripts(commands, model.text, escape);
  } else if (json !== null && keyword === "RUN") {
    const words = json.map((value) => ({ value, start: argsStart, end, quoted: true }));
    const host: ShellCommand = { assignments: [], words, name: json[0] ?? "", next: "" };
    commands = [host, ...execFormScript(host, joinContinuations(argsText, argsStart, escape), model.text, escape)];
  }

  return { index: model.instructions.length, keyword, range, start, end, stage: -1, flags, mounts, args, argsStart, json, commands, heredocs, node };
}

/** BuildKit reads flags with their quotes taken off: --mount=type=cache,target="/go/pkg/mod" mounts /go/pkg/mod. */
function unquoteFlag(value: string | null): string | null {
  if (value === null) return null;
  let out = "";
  let quote = "";
  for (const ch of value) {
    if (quote === "" && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === quote) quote = "";
    else out += ch;
  }
  return out;
}

/** BuildKit's other names for the same --mount keys: rules read only target and source. */
const MOUNT_KEY_ALIASES: Record<string, string> = { dst: "target", destination: "target", src: "source" };

/** A --mount option's key as written (`dst`, `src`, ...) under the name the model uses (`target`, `source`). */
export function mountKey(written: string): string {
  const key = written.trim();
  return MOUNT_KEY_ALIASES[key] ?? key;
}

function parseMount(value: string): MountModel {
  const mount: MountModel = {};
  for (const part of value.split(",")) {
    const eq = part.indexOf("=");
    mount[mountKey(eq < 0 ? part : part.slice(0, eq))] = eq < 0 ? "true" : part.slice(eq + 1).trim();
  }
  return mount;
}

function parseJsonForm(text: string, base: number, escape: string): string[] | null {
  const joined = joinContinuations(text, base, escape).chars.trim();
  if (!joined.startsWith("[") || !joined.endsWith("]")) return null;
  try {
    const parsed: unknown = JSON.parse(joined);
    if (Array.isArray(parsed) && parsed.every((x) => typeof x === "string")) return parsed as string[];
  } catch {
    return null;
  }
  return null;
}

interface Binding {
  index: number;
  kind: "ARG" | "ENV";
  raw: string | undefined;
  /** Memoized expansion: undefined until computed. */
  value?: string | null;
}

/** Per stage: every ARG/ENV binding by name, in instruction order. Built once per model. */
const scopeIndex = new WeakMap<DockerfileModel, Map<StageModel, Map<string, Binding[]>>>();

function bindingsOf(model: DockerfileModel, stage: StageModel): Map<string, Binding[]> {
  let perModel = scopeIndex.get(model);
  if (!perModel) {
    perModel = new Map();
    scopeIndex.set(model, perModel);
  }
  let byName = perModel.get(stage);
  if (!byName) {
    byName = new Map();
    for (const ins of stage.instructions) {
      const decls = ins.keyword === "ARG" ? argDeclarations(ins, model).map((d) => ({ ...d, kind: "ARG" as const })) : ins.keyword === "ENV" ? envDeclarations(ins, model).map((d) => ({ ...d, kind: "ENV" as const })) : [];
      for (const d of decls) {
        const list = byName.get(d.name) ?? [];
        list.push({ index: ins.index, kind: d.kind, raw: d.raw });
        byName.set(d.name, list);
      }
    }
    perModel.set(stage, byName);
  }
  return byName;
}

/** Scope of variables visible to an instruction inside a stage (ARG and ENV, inherited ENV of parent stages). */
export function lookupAt(model: DockerfileModel, instruction: InstructionModel): Lookup {
  if (instruction.stage < 0 || instruction.keyword === "FROM") {
    return (name) => (model.globalArgs.has(name) ? (model.globalArgs.get(name) ?? null) : platformArgs.includes(name) ? null : undefined);
  }
  const stage = model.stages[instruction.stage];
  if (!stage) return () => undefined;
  return (name) => resolveIn(model, stage, name, instruction.index, 0);
}

function resolveIn(model: DockerfileModel, stage: StageModel, name: string, before: number, depth: number): string | null | undefined {
  if (depth > 32) return null;
  const found = bindingIn(model, stage, name, before);
  return found ? valueOf(model, found.stage, name, found.binding, depth) : undefined;
}

/** The ARG or ENV that gives `name` its value before instruction `before` of `stage`, and the stage that holds it. */
function bindingIn(model: DockerfileModel, stage: StageModel, name: string, before: number): { stage: StageModel; binding: Binding } | undefined {
  const earlier = (bindingsOf(model, stage).get(name) ?? []).filter((b) => b.index < before);
  // An ENV always overrides an ARG of the same name, whichever comes first (Docker's documented rule).
  const env = earlier.filter((b) => b.kind === "ENV").at(-1);
  if (env) return { stage, binding: env };
  // Only ENV crosses into a child stage; ARG values stay in the stage that declared them.
  for (let parent = stage.parent, hops = 0; parent && hops < 32; parent = parent.parent, hops++) {
    const inherited = bindingsOf(model, parent).get(name)?.filter((b) => b.kind === "ENV").at(-1);
    if (inherited) return { stage: parent, binding: inherited };
  }
  const arg = earlier.at(-1);
  return arg ? { stage, binding: arg } : undefined;
}

/**
 * The ARG or ENV instruction whose `name` is in effect at `instruction` (the scoping of lookupAt),
 * with the value as written there: quotes removed, variables not expanded (undefined for `ARG NAME`).
 */
export function declarationAt(model: DockerfileModel, instruction: InstructionModel, name: string): { instruction: InstructionModel; kind: "ARG" | "ENV"; value: string | undefined } | undefined {
  const stage = instruction.stage < 0 || instruction.keyword === "FROM" ? undefined : model.stages[instruction.stage];
  const found = stage ? bindingIn(model, stage, name, instruction.index) : undefined;
  const declaring = found ? model.instructions[found.binding.index] : undefined;
  if (!found || !declaring) return undefined;
  return { instruction: declaring, kind: found.binding.kind, value: found.binding.raw === undefined ? undefined : unquoteWord(found.binding.raw, model.escape) };
}

function valueOf(model: DockerfileModel, stage: StageModel, name: string, b: Binding, depth: number): string | null {
  if (b.value !== undefined) return b.value;
  b.value = null; // guards self-reference while computing
  const lookup: Lookup = (n) => resolveIn(model, stage, n, b.index, depth + 1);
  if (b.raw !== undefined) b.value = expandOrNull(b.raw, lookup, model.escape);
  else b.value = model.globalArgs.has(name) ? (model.globalArgs.get(name) ?? null) : null;
  return b.value;
}

function expandOrNull(raw: string, lookup: Lookup, escape: string): string | null {
  const e = expandWord(raw, lookup, escape);
  return e.unknown ? null : e.value;
}

/** One `NAME[=VALUE]` of an ENV or ARG, as the parser splits them (quoted values may hold spaces). */
export interface Declaration {
  name: string;
  /** The value with quotes and escapes removed, variables not expanded; undefined for `ARG NAME`. */
  value: string | undefined;
  /** The value as written (quotes and escapes kept), for expandWord. */
  raw: string | undefined;
}

const declarationsOf = new WeakMap<InstructionModel, Declaration[]>();

/**
 * The NAME[=VALUE] words of an ENV or ARG, split at whitespace outside quotes. (dockerfile-ast's
 * properties read `ARG A B` as A="B", the legacy form only ENV has.)
 */
function declarations(ins: InstructionModel, model: { text: string; escape: string }): Declaration[] {
  let found = declarationsOf.get(ins);
  if (found === undefined) {
    const text = joinContinuations(model.text.slice(ins.argsStart, ins.end), ins.argsStart, model.escape).chars;
    const words = splitWords(text, model.escape);
    const first = words[0];
    if (ins.keyword === "ENV" && first !== undefined && !first.includes("=")) {
      // ENV NAME value...: the value is the rest of the line.
      const raw = text.trimStart().slice(first.length).trim();
      found = [{ name: first, value: unquoteWord(raw, model.escape), raw }];
    } else {
      found = words.map((w) => {
        const eq = w.indexOf("=");
        if (eq < 0) return { name: w, value: undefined, raw: undefined };
        const raw = w.slice(eq + 1);
        return { name: w.slice(0, eq), value: unquoteWord(raw, model.escape), raw };
      });
    }
    declarationsOf.set(ins, found);
  }
  return found;
}

/** `ARG A=1 B` → [{A, "1"}, {B, undefined}]. */
export function argDeclarations(ins: InstructionModel, model: DockerfileModel): Declaration[] {
  return ins.keyword === "ARG" ? declarations(ins, model) : [];
}

/** `ENV A=1 B="two words"` and the legacy `ENV A 1`. */
export function envDeclarations(ins: InstructionModel, model: DockerfileModel): (Declaration & { value: string; raw: string })[] {
  return ins.keyword === "ENV" ? declarations(ins, model).map((d) => ({ name: d.name, value: d.value ?? "", raw: d.raw ?? "" })) : [];
}

/**
 * The variables a FROM line sees in a build without --build-arg: a global `ARG BASE` with no default
 * is unset there, so `${BASE:-scratch}` is scratch (BuildKit and podman alike).
 */
function fromLookup(model: DockerfileModel, ins: InstructionModel): Lookup {
  const lookup = lookupAt(model, ins);
  return (name) => (model.globalArgs.has(name) && model.globalArgs.get(name) === undefined ? undefined : lookup(name));
}

function assignStages(model: DockerfileModel): void {
  let current: StageModel | undefined;
  let sawNonArgBeforeFrom = false;
  for (const ins of model.instructions) {
    if (ins.keyword === "FROM") {
      // FROM [--platform=..] image [AS name]: read from the arguments already split, not re-parsed.
      const image = ins.args[0] ?? "";
      const stageName = ins.args.length >= 3 && ins.args[1]?.toUpperCase() === "AS" ? ins.args[2] : undefined;
      const resolvedImage = expand(image, fromLookup(model, ins), model.escape).value;
      const name = stageName?.toLowerCase();
      const lowered = resolvedImage.toLowerCase();
      const parent = model.stages.find((s) => s.name !== undefined && s.name === lowered);
      const platformFlag = ins.flags.find((f) => f.name === "platform");
      current = {
        index: model.stages.length,
        from: ins,
        image,
        resolvedImage,
        imageRef: parseImageRef(resolvedImage),
        instructions: [],
        copyFrom: [],
        isFinal: false,
      };
      if (name !== undefined && name !== "") current.name = name;
      if (parent) current.parent = parent;
      if (platformFlag?.value != null) current.platform = platformFlag.value;
      model.stages.push(current);
      ins.stage = current.index;
      current.instructions.push(ins);
      continue;
    }
    if (!current) {
      if (ins.keyword === "ARG") {
        for (const { name, raw } of argDeclarations(ins, model)) {
          model.globalArgs.set(name, raw === undefined ? undefined : expandWord(raw, (n) => model.globalArgs.get(n) ?? (model.globalArgs.has(n) ? null : undefined), model.escape).value);
        }
      } else if (!sawNonArgBeforeFrom) {
        sawNonArgBeforeFrom = true;
        model.problems.push({ line: ins.range.line, message: `${ins.keyword} before the first FROM: only ARG may come before FROM` });
      }
      continue;
    }
    ins.stage = current.index;
    current.instructions.push(ins);
  }
  const last = model.stages[model.stages.length - 1];
  if (last) {
    last.isFinal = true;
    model.finalStage = last;
  } else if (model.instructions.length > 0 && !sawNonArgBeforeFrom) {
    model.problems.push({ line: model.instructions[0]?.range.line ?? 1, message: "no FROM instruction: a Dockerfile must start a build stage with FROM" });
  } else if (model.instructions.length === 0 && model.problems.length === 0) {
    // podman 4.3 stops with "no stages to build" (`no contents in "Dockerfile"` for an empty file).
    model.problems.push({ line: 1, message: "the Dockerfile has no instructions (it is empty, or holds only comments), so there is nothing to build: start a build stage with FROM" });
  }
  for (const stage of model.stages) {
    for (const ins of stage.instructions) {
      const fromFlag = ins.keyword === "COPY" || ins.keyword === "ADD" ? ins.flags.find((f) => f.name === "from") : undefined;
      const sources = fromFlag ? [fromFlag.value ?? ""] : [];
      if (ins.keyword === "RUN") for (const m of ins.mounts) if (m.from !== undefined) sources.push(m.from);
      for (const raw of sources) {
        const from = expand(raw, lookupAt(model, ins), model.escape).value;
        const edge: CopyEdge = { instruction: ins, from };
        const target = /^\d+$/.test(from) ? model.stages[Number(from)] : model.stages.find((s) => s.name === from.toLowerCase());
        if (target) edge.stage = target;
        stage.copyFrom.push(edge);
      }
    }
  }
}
