/**
 * Parser for go.mod and go.work: the line/block grammar Go's modfile package defines.
 * Hand-written: no npm package parses go.mod, and analysis must work without the Go toolchain.
 */
import { inputError } from "../errors.js";
import type { Evidence, GoModFile, GoModReplace, GoModRequire } from "./types.js";

/** One directive line, either standalone (`require x v1`) or inside a block (`require (` … `)`). */
export interface ModLine {
  verb: string;
  args: string[];
  /** The text of a trailing `//` comment, without the slashes. */
  comment?: string;
  line: number;
  text: string;
}

interface RawToken {
  value: string;
  quoted: boolean;
}

/** Splits a go.mod/go.work file into directive lines, expanding blocks. */
export function readModLines(text: string, file: string): ModLine[] {
  const out: ModLine[] = [];
  let block: { verb: string; line: number } | undefined;
  const lines = text.split("\n");
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const { tokens, comment } = tokenizeLine(raw, file, lineNo);
    if (tokens.length === 0) return;
    const first = tokens[0]!;
    const trimmed = raw.trim();
    if (block) {
      if (tokens.length === 1 && first.value === ")" && !first.quoted) {
        block = undefined;
        return;
      }
      if (tokens.some((t) => !t.quoted && (t.value === "(" || t.value === ")"))) {
        throw inputError(`${file}:${lineNo}: unexpected parenthesis inside the ${block.verb} block opened on line ${block.line}: close the block with ")" on its own line`, { file, line: lineNo });
      }
      out.push({ verb: block.verb, args: tokens.map((t) => t.value), comment, line: lineNo, text: trimmed });
      return;
    }
    if (first.quoted || first.value === "(" || first.value === ")") {
      throw inputError(`${file}:${lineNo}: unexpected ${JSON.stringify(first.value)} where a directive was expected`, { file, line: lineNo });
    }
    const last = tokens[tokens.length - 1]!;
    if (tokens.length === 2 && last.value === "(" && !last.quoted) {
      block = { verb: first.value, line: lineNo };
      return;
    }
    out.push({ verb: first.value, args: tokens.slice(1).map((t) => t.value), comment, line: lineNo, text: trimmed });
  });
  if (block) {
    throw inputError(`${file}:${block.line}: the ${block.verb} block is never closed: add a line with ")"`, { file, line: block.line });
  }
  return out;
}

function describeCharacter(c: string): string {
  const code = `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  const names: Record<string, string> = { "\ufeff": "a byte-order mark", "\u00a0": "a non-breaking space" };
  return names[c] ? `${code} (${names[c]})` : code;
}

/** What go's modfile lexer takes into a word: unicode.IsPrint minus white space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function characterAdvice(c: string): string {
  if (c === "\ufeff") return "save the file as UTF-8 without a byte-order mark";
  if (/\s/.test(c)) return "replace it with a plain space";
  return "go.mod and go.work are text: remove it, or replace a file that is not a go.mod";
}

function tokenizeLine(raw: string, file: string, line: number): { tokens: RawToken[]; comment?: string } {
  const tokens: RawToken[] = [];
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (raw.startsWith("//", i)) {
      return { tokens, comment: raw.slice(i + 2).trim() };
    } else if (c === '"' || c === "`") {
      let j = i + 1;
      while (j < raw.length && raw[j] !== c) j += c === '"' && raw[j] === "\\" ? 2 : 1;
      if (j >= raw.length) throw inputError(`${file}:${line}: unterminated quoted string: close it with ${c}`, { file, line });
      const body = raw.slice(i + 1, j);
      let value = body;
      if (c === '"') {
        try {
          value = JSON.parse(`"${body}"`) as string;
        } catch {
          throw inputError(`${file}:${line}: invalid quoted string ${raw.slice(i, j + 1)}`, { file, line });
        }
      }
      tokens.push({ value, quoted: true });
      i = j + 1;
    } else if (c === "(" || c === ")") {
      tokens.push({ value: c, quoted: false });
      i++;
    } else if (raw.startsWith("=>", i)) {
      tokens.push({ value: "=>", quoted: false });
      i += 2;
    } else {
      let j = i;
      // By code point: a character outside the BMP (an emoji in a replace path) is two UTF-16 units.
      const at = (k: number) => String.fromCodePoint(raw.codePointAt(k)!);
      while (j < raw.length && PRINTABLE.test(at(j)) && !/[()"`]/.test(raw[j]!) && !raw.startsWith("//", j) && !raw.startsWith("=>", j)) j += at(j).length;
      // Go reads only space, tab and CR between words, and no other white space or unprintable character.
      if (j === i) throw inputError(`${file}:${line}: unexpected character ${describeCharacter(c)}, which go also rejects: ${characterAdvice(c)}`, { file, line });
      tokens.push({ value: raw.slice(i, j), quoted: false });
      i = j;
    }
  }
  return { tokens };
}

const GO_MOD_VERBS = new Set(["module", "go", "toolchain", "godebug", "require", "replace", "exclude", "retract", "tool", "ignore"]);
const GO_VERSION = /^1(\.(0|[1-9]\d*)){1,2}((rc|beta)\d+)?$/;

/**
 * Parses go.mod text. `file` is the name used in evidence and error messages.
 * A malformed file throws a SlimgoError (exit 2) naming `file:line` and what is wrong.
 */
export function parseGoMod(text: string, file = "go.mod"): GoModFile {
  const evidence = (l: ModLine): Evidence => ({ file: "go.mod", line: l.line, text: l.text });
  const fail = (l: ModLine, what: string) => inputError(`${file}:${l.line}: ${what}`, { file, line: l.line });
  let modulePath: { path: string; evidence: Evidence } | undefined;
  const result: Omit<GoModFile, "path" | "pathEvidence"> = { requires: [], replaces: [] };

  for (const l of readModLines(text, file)) {
    if (!GO_MOD_VERBS.has(l.verb)) {
      throw fail(l, `unknown directive ${JSON.stringify(l.verb)}: expected one of module, go, toolchain, require, replace, exclude, retract`);
    }
    switch (l.verb) {
      case "module":
        if (l.args.length !== 1) throw fail(l, `usage: module example.com/name`);
        if (modulePath) throw fail(l, `repeated module directive (first on line ${modulePath.evidence.line})`);
        modulePath = { path: l.args[0]!, evidence: evidence(l) };
        break;
      case "go":
        if (l.args.length !== 1 || !GO_VERSION.test(l.args[0]!)) throw fail(l, `invalid go version ${JSON.stringify(l.args.join(" "))}: write it like "go 1.22" or "go 1.22.3"`);
        result.go = l.args[0]!;
        result.goEvidence = evidence(l);
        break;
      case "toolchain": {
        const m = l.args.length === 1 ? /^go(1\.\d+(\.\d+)?((rc|beta)\d+)?)(-.+)?$/.exec(l.args[0]!) : null;
        if (!m && l.args[0] !== "default") throw fail(l, `invalid toolchain ${JSON.stringify(l.args.join(" "))}: write it like "toolchain go1.22.5"`);
        if (m) {
          result.toolchain = m[1]!;
          result.toolchainEvidence = evidence(l);
        }
        break;
      }
      case "require":
        result.requires.push(parseRequire(l, fail, evidence(l)));
        break;
      case "replace":
        result.replaces.push(parseReplace(l, fail, evidence(l)));
        break;
      default:
        // exclude, retract, godebug, tool, ignore: tolerated, not needed by the analysis.
        break;
    }
  }
  if (!modulePath) {
    throw inputError(`${file}: no module directive: add "module example.com/name" as the first line`, { file });
  }
  return { path: modulePath.path, pathEvidence: modulePath.evidence, ...result };
}

function parseRequire(l: ModLine, fail: (l: ModLine, what: string) => Error, ev: Evidence): GoModRequire {
  if (l.args.length !== 2) throw fail(l, `usage: require module/path v1.2.3`);
  const [path, version] = l.args as [string, string];
  if (!version.startsWith("v")) throw fail(l, `invalid version ${JSON.stringify(version)} for ${path}: versions start with "v", e.g. v1.2.3`);
  const indirect = l.comment !== undefined && /^indirect(;|$)/.test(l.comment);
  return { path, version, indirect, evidence: ev };
}

function parseReplace(l: ModLine, fail: (l: ModLine, what: string) => Error, ev: Evidence): GoModReplace {
  const arrow = l.args.indexOf("=>");
  const left = l.args.slice(0, arrow);
  const right = l.args.slice(arrow + 1);
  if (arrow === -1 || left.length < 1 || left.length > 2 || right.length < 1 || right.length > 2) {
    throw fail(l, `usage: replace old/path [v1.2.3] => new/path [v1.2.3] (or => ./local/dir)`);
  }
  const isLocal = /^(\.\.?(\/|$)|\/)/.test(right[0]!);
  if (isLocal && right.length === 2) throw fail(l, `a replacement directory (${right[0]}) takes no version`);
  if (!isLocal && right.length === 1) throw fail(l, `replacement module ${right[0]} needs a version, or use a directory path starting with ./ or ../`);
  const rep: GoModReplace = { oldPath: left[0]!, newPath: right[0]!, evidence: ev };
  if (left[1] !== undefined) rep.oldVersion = left[1];
  if (right[1] !== undefined) rep.newVersion = right[1];
  return rep;
}
