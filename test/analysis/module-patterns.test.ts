import { test } from "node:test";
import assert from "node:assert/strict";
import { matchesModulePatterns, matchingModulePattern, pathMatch } from "../../src/analysis/module-patterns.js";

test("a pattern matches the module path's leading elements, as many as it has", () => {
  const cases: [string, string, boolean][] = [
    ["example.com/*", "example.com/a", true],
    ["example.com/*", "example.com/a/b/v2", true],
    ["example.com/*", "example.com", false],
    ["example.com", "example.com", true],
    ["example.com", "example.com/x/y", true],
    ["example.com", "example.community/x", false],
    ["github.com/acme", "github.com/acme/lib", true],
    ["github.com/acme", "github.com/acmeco/lib", false],
    ["github.com/acme/*", "github.com/acme", false],
    ["*.corp.example.com", "git.corp.example.com/team/repo", true],
    ["*.corp.example.com", "corp.example.com/team/repo", false],
    ["github.*/acme", "github.com/x/acme", false],
    ["example.com/", "example.com/a", true],
  ];
  for (const [patterns, path, want] of cases) assert.equal(matchesModulePatterns(patterns, path), want, `${patterns} ~ ${path}`);
});

test("a comma-separated list matches when any glob does; empty entries and malformed globs match nothing", () => {
  assert.equal(matchingModulePattern("a.example/x,b.example/y", "b.example/y/z"), "b.example/y");
  assert.equal(matchesModulePatterns(",,", "example.com/a"), false);
  assert.equal(matchesModulePatterns("", "example.com/a"), false);
  assert.equal(matchesModulePatterns("none", "example.com/a"), false, "GONOPROXY=none names no module");
  assert.equal(matchesModulePatterns("[example.com,example.com", "example.com/a"), true, "a malformed glob does not spoil the others");
});

test("path.Match: * and ? never cross a slash; classes, ranges, negation and escapes as in Go", () => {
  const cases: [string, string, boolean][] = [
    ["a/*", "a/b/c", false],
    ["a*", "a/b", false],
    ["*", "", true],
    ["ex?mple.com", "example.com", true],
    ["ex?mple.com", "ex/mple.com", false],
    ["[a-c]x.com", "bx.com", true],
    ["[^a]x.com", "ax.com", false],
    ["[^a]x.com", "zx.com", true],
    ["a\\*b", "a*b", true],
    ["a\\*b", "axb", false],
    ["[\\]a]", "]", true],
    ["a.b", "axb", false],
    // Go reports ErrBadPattern for these: no match.
    ["[a", "a", false],
    ["[]a]", "]", false],
    ["[a-]", "a", false],
    ["a\\", "a", false],
  ];
  for (const [pattern, name, want] of cases) assert.equal(pathMatch(pattern, name), want, `${pattern} ~ ${name}`);
});
