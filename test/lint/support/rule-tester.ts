import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, test } from "node:test";
import type { ModuleAnalysis } from "../../../src/analysis/types.js";
import { runRules } from "../../../src/lint/engine.js";
import { readContextFile } from "../../../src/lint/context-files.js";
import { applyFileFixes, applyFixes } from "../../../src/lint/fixes/apply.js";
import { buildModel } from "../../../src/lint/model/build.js";
import type { Finding, Rule } from "../../../src/lint/types.js";
import { copyContext } from "./context.js";

export interface CaseOptions {
  module?: ModuleAnalysis;
  /** Build context directory (see makeContext). */
  contextDir?: string;
  /** .dockerignore lines; omit for "no .dockerignore". */
  dockerignore?: string[];
}

export interface ValidCase extends CaseOptions {
  name?: string;
  code: string;
}

export interface InvalidCase extends CaseOptions {
  name?: string;
  code: string;
  /** 1-based lines of the expected findings, in order. */
  lines: number[];
  /** Text the message must contain (checked on the first finding). */
  message?: string | RegExp;
  /** Expected Dockerfile after applying fixes; omit when the finding has no Dockerfile fix. */
  output?: string;
  /** Lines the fixes add to .dockerignore. */
  dockerignoreAdditions?: string[];
  /** Other context files the fixes change (path → text after the fix); omit when they change none. */
  fileOutputs?: Record<string, string>;
}

/** Lints with one rule only, the way the engine runs it, from the module's directory as a user would (messages name main.go:5). */
export function lintWith(rule: Rule, code: string, o: CaseOptions = {}): Finding[] {
  const root = o.module?.root;
  if (root === undefined || !existsSync(root) || root === process.cwd()) return lintHere(rule, code, o);
  const before = process.cwd();
  process.chdir(root);
  try {
    return lintHere(rule, code, o);
  } finally {
    process.chdir(before);
  }
}

function lintHere(rule: Rule, code: string, o: CaseOptions): Finding[] {
  return runRules({
    model: buildModel(code),
    rules: [rule],
    file: "Dockerfile",
    ...(o.module ? { module: o.module } : {}),
    ...(o.contextDir ? { contextDir: o.contextDir } : {}),
    ...(o.dockerignore ? { dockerignore: o.dockerignore } : {}),
  });
}

/** typescript-eslint's RuleTester shape for node:test: valid must be clean, invalid must match lines and fixes. */
export function ruleTester(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(`${rule.meta.id} ${rule.meta.name}`, () => {
    cases.valid.forEach((c, i) => {
      test(`valid #${i + 1}${c.name ? ` ${c.name}` : ""}`, () => {
        const findings = lintWith(rule, c.code, c);
        assert.deepEqual(findings.map((f) => `${f.line}: ${f.message}`), []);
      });
    });
    cases.invalid.forEach((c, i) => {
      test(`invalid #${i + 1}${c.name ? ` ${c.name}` : ""}`, () => {
        const findings = lintWith(rule, c.code, c);
        assert.deepEqual(findings.map((f) => f.line), c.lines, findings.map((f) => `${f.line}: ${f.message}`).join("\n"));
        for (const f of findings) {
          assert.equal(f.ruleId, rule.meta.id);
          assert.ok(f.message.length > 20, "message says what is wrong and how to fix it");
        }
        if (c.message !== undefined) {
          const m = findings[0]?.message ?? "";
          if (typeof c.message === "string") assert.ok(m.includes(c.message), m);
          else assert.match(m, c.message);
        }
        const { text, applied } = applyFixes(c.code, findings);
        if (c.output === undefined) {
          assert.equal(applied.length, 0, "no Dockerfile fix expected");
        } else {
          assert.equal(text, c.output);
          assert.deepEqual(buildModel(text).problems, [], "fixed Dockerfile still parses");
          const after = lintWith(rule, text, c);
          assert.deepEqual(after.map((f) => f.message), [], "fixed Dockerfile lints clean for this rule");
          assert.equal(applyFixes(text, after).text, text, "a second --fix changes nothing");
        }
        const fileFixes = c.contextDir === undefined ? [] : applyFileFixes((p) => readContextFile(c.contextDir as string, p), findings);
        assert.deepEqual(Object.fromEntries(fileFixes.map((f) => [f.path, f.text])), c.fileOutputs ?? {}, "context files the fixes change");
        if (c.fileOutputs !== undefined) {
          const fixedContext = copyContext(c.contextDir as string, c.fileOutputs);
          assert.deepEqual(lintWith(rule, c.code, { ...c, contextDir: fixedContext }).map((f) => f.message), [], "lints clean once the context files are fixed");
        }
        if (c.dockerignoreAdditions !== undefined) {
          assert.deepEqual(findings.flatMap((f) => f.fix?.dockerignoreAdditions ?? []), c.dockerignoreAdditions);
          const fixedIgnore = [...(c.dockerignore ?? []), ...c.dockerignoreAdditions];
          assert.deepEqual(lintWith(rule, c.code, { ...c, dockerignore: fixedIgnore }).map((f) => f.message), [], "lints clean once .dockerignore is fixed");
        }
      });
    });
  });
}
