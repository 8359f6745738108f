import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { rules } from "../../src/lint/index.js";

const root = new URL("../../../", import.meta.url);

test("every rule has a docs page with a bad and a good example, and a row in docs/rules/README.md", () => {
  const readme = readFileSync(new URL("docs/rules/README.md", root), "utf8");
  const ids = new Set<string>();
  for (const { meta } of rules) {
    assert.ok(!ids.has(meta.id), `duplicate id ${meta.id}`);
    ids.add(meta.id);
    assert.match(meta.id, /^SG\d{3}$/);
    assert.match(meta.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.equal(meta.docs, `docs/rules/${meta.id}.md`);
    const page = new URL(meta.docs, root);
    assert.ok(existsSync(page), `${meta.docs} exists`);
    const text = readFileSync(page, "utf8");
    assert.match(text, new RegExp(`^# ${meta.id} ${meta.name}\\n`));
    assert.match(text, /## Bad\n\n```dockerfile\n[\s\S]+?```/);
    assert.match(text, /## Good\n\n```dockerfile\n[\s\S]+?```/);
    assert.match(readme, new RegExp(`\\| \\[${meta.id}\\]\\(${meta.id}\\.md\\) \\| ${meta.name} \\| ${meta.severity} \\|`));
  }
  assert.ok(ids.size >= 29);
});
