import { buildModel } from "../model/build.js";
import type { Finding, TextEdit } from "../types.js";

/**
 * Applies the Dockerfile edits of fixable findings, one pass. An edit identical to one a fix taken
 * before makes is shared, not made twice; other overlapping fixes are skipped (the next pass of
 * fixFully picks them up), and a fix whose result no longer parses is dropped, so --fix never
 * breaks a file.
 */
export function applyFixes(text: string, findings: readonly Finding[]): { text: string; applied: Finding[] } {
  const candidates = findings.filter((f) => f.fix && f.fix.edits.length > 0);
  const applied: Finding[] = [];
  const taken: { start: number; end: number }[] = [];
  const chosen: TextEdit[] = [];
  const baseProblems = buildModel(text).problems.length;
  for (const f of candidates) {
    // An edit another fix already makes (the ARG line two fixes of one stage both need) is made once.
    const edits = (f.fix?.edits ?? []).filter((e) => !chosen.some((c) => c.start === e.start && c.end === e.end && c.text === e.text));
    const overlaps = edits.some((e) => taken.some((t) => conflicts(e, t)));
    if (overlaps) continue;
    const trial = applyEdits(text, [...chosen, ...edits]);
    if (buildModel(trial).problems.length > baseProblems) continue;
    chosen.push(...edits);
    for (const e of edits) taken.push({ start: e.start, end: e.end });
    applied.push(f);
  }
  return { text: applyEdits(text, chosen), applied };
}

/** Passes of fixFully before it stops (ESLint's limit too): fixes that keep making fixes do not loop. */
const MAX_FIX_PASSES = 10;

/**
 * Applies fixes pass after pass, linting the result again in between, until no fix applies: fixes
 * that overlapped one of the previous pass (two rules inserting before the same `go`) land in the
 * next, so one `--fix` leaves nothing fixable behind. Returns every finding seen, for the
 * .dockerignore additions.
 */
export function fixFully(text: string, findings: readonly Finding[], lint: (text: string) => readonly Finding[]): { text: string; applied: Finding[]; seen: Finding[] } {
  let current = text;
  let pending = findings;
  const applied: Finding[] = [];
  const seen: Finding[] = [...findings];
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const fixed = applyFixes(current, pending);
    if (fixed.applied.length === 0 || fixed.text === current) break;
    applied.push(...fixed.applied);
    current = fixed.text;
    pending = lint(current);
    seen.push(...pending);
  }
  return { text: current, applied, seen };
}

function conflicts(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  if (a.start === b.start) return true;
  if (Math.max(a.start, b.start) < Math.min(a.end, b.end)) return true;
  // An insertion strictly inside a replaced span.
  return (a.start === a.end && a.start > b.start && a.start < b.end) || (b.start === b.end && b.start > a.start && b.start < a.end);
}

/** Rules write their edits with \n; a file with CRLF line endings gets CRLF in what is added too. */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  const eol = lineEndingOf(text);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text.replace(/\r?\n/g, eol) + out.slice(e.end);
  return out;
}

function lineEndingOf(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

/** The .dockerignore after appending the lines fixes ask for; unchanged when nothing is missing. */
export function applyDockerignoreFixes(current: string | undefined, findings: readonly Finding[]): { text: string; added: string[] } {
  const existing = new Set((current ?? "").split(/\r?\n/).map((l) => l.trim()));
  const added: string[] = [];
  for (const f of findings) for (const line of f.fix?.dockerignoreAdditions ?? []) if (!existing.has(line) && !added.includes(line)) added.push(line);
  if (added.length === 0) return { text: current ?? "", added };
  let text = current ?? "";
  const eol = lineEndingOf(text);
  if (text !== "" && !text.endsWith("\n")) text += eol;
  return { text: text + added.join(eol) + eol, added };
}

/**
 * The other context files after the edits fixes make to them (`fileEdits`), by context-relative
 * path; files whose text `read` cannot give, or that end up unchanged, are left out. The same edit
 * from several findings (each pass of fixFully reports it again) counts once; an edit that overlaps
 * one already taken is skipped.
 */
export function applyFileFixes(read: (path: string) => string | undefined, findings: readonly Finding[]): { path: string; before: string; text: string }[] {
  const byPath = new Map<string, TextEdit[]>();
  for (const f of findings) {
    for (const { path, edits } of f.fix?.fileEdits ?? []) {
      const taken = byPath.get(path) ?? [];
      const fresh = edits.filter((e) => !taken.some((t) => t.start === e.start && t.end === e.end && t.text === e.text));
      if (fresh.some((e) => taken.some((t) => conflicts(e, t)))) continue;
      byPath.set(path, [...taken, ...fresh]);
    }
  }
  const out: { path: string; before: string; text: string }[] = [];
  for (const [path, edits] of byPath) {
    const before = read(path);
    if (before === undefined) continue;
    const text = applyEdits(before, edits);
    if (text !== before) out.push({ path, before, text });
  }
  return out;
}
