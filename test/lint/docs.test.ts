import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import { analyze } from "../../src/analysis/index.js";
import { lintDockerfile, rules, type LintOptions } from "../../src/lint/index.js";
import { makeContext } from "./support/context.js";

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
    const severityLine = text.split("\n")[2] ?? "";
    assert.match(severityLine, new RegExp(`^Severity: \\*\\*${meta.severity}\\*\\*`), `${meta.docs}: the severity under the title is the rule's`);
    assert.equal(/autofix: yes/.test(severityLine), meta.fixable === true, `${meta.docs}: "autofix: yes" under the title when, and only when, --fix fixes some of its findings`);
    assert.match(text, /## Bad\n\n```dockerfile\n[\s\S]+?```/);
    assert.match(text, /## Good\n\n```dockerfile\n[\s\S]+?```/);
    assert.match(readme, new RegExp(`\\| \\[${meta.id}\\]\\(${meta.id}\\.md\\) \\| ${meta.name} \\| ${meta.severity} \\|`));
  }
  assert.ok(ids.size >= 29);
});

const fixture = (name: string): string => fileURLToPath(new URL(`test/fixtures/${name}/`, root));

/** A build context holding module example.com/app (go 1.22) with `files`, and its analysis. */
async function moduleContext(files: Record<string, string>): Promise<LintOptions> {
  const contextDir = makeContext({ "go.mod": "module example.com/app\n\ngo 1.22\n", ...files });
  return { contextDir, module: await analyze(contextDir, { engine: "scanner" }) };
}

/** cmd/api imports internal/store, as the comments of SG116's and SG119's examples say. */
const importsStore = {
  "cmd/api/main.go": 'package main\n\nimport "example.com/app/internal/store"\n\nfunc main() { store.Open() }\n',
  "internal/store/store.go": "package store\n\nfunc Open() {}\n",
};

/**
 * The build context and module an example is linted with, for the rules whose examples depend on them
 * (as the page describes them); every other example is linted alone, with no module and no build context.
 */
const contexts: Record<string, () => Promise<{ bad: LintOptions; good: LintOptions }[]>> = {
  // SG110 runs only with a module and the page names none: with each fixture that has one runtime need
  // (CA certificates, zoneinfo, /tmp), Bad, which lacks all three files, must give a finding and Good none.
  SG110: async () =>
    Promise.all(
      ["tls-client", "zoneinfo", "tempfiles"].map(async (name) => {
        const module = await analyze(fixture(name), { engine: "scanner" });
        return { bad: { module }, good: { module } };
      }),
    ),
  // The module the Bad example's comment describes: go 1.22, no requirements (so no go.sum), no cmd/server
  // (every fixture says go 1.19 or 1.21, so none fits).
  SG111: async () => {
    const options = await moduleContext({ "cmd/api/main.go": "package main\n\nfunc main() {}\n" });
    return [{ bad: options, good: options }];
  },
  // SG112 checks only with a build context; the .dockerignore is the one each example's comment describes.
  SG112: async () => [{ bad: { contextDir: fixture("root-main"), dockerignore: null }, good: { contextDir: fixture("root-main"), dockerignore: [".git", ".env"] } }],
  // SG116 and SG119: cmd/api imports internal/store, as the examples' comments say; SG116 with each example's .dockerignore.
  SG116: async () => {
    const options = await moduleContext(importsStore);
    return [{ bad: { ...options, dockerignore: ["*", "!go.mod", "!*.go"] }, good: { ...options, dockerignore: ["*", "!go.mod", "!**/*.go"] } }];
  },
  SG119: async () => {
    const options = await moduleContext(importsStore);
    return [{ bad: options, good: options }];
  },
  // SG117 and SG118: the main package each example's comment describes.
  SG117: async () => {
    const options = await moduleContext({ "main.go": 'package main\n\nvar version = "dev"\n\nfunc main() { println(version) }\n' });
    return [{ bad: options, good: options }];
  },
  SG118: async () => {
    const options = await moduleContext({ "main.go": 'package main\n\nimport "net/http"\n\nfunc main() { _ = http.ListenAndServe(":3000", nil) }\n' });
    return [{ bad: options, good: options }];
  },
  // SG120: the health flag the examples' comment describes.
  SG120: async () => {
    const options = await moduleContext({
      "main.go":
        'package main\n\nimport (\n\t"flag"\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\thealth := flag.Bool("health", false, "probe /healthz")\n\tflag.Parse()\n\tif *health {\n\t\tif r, err := http.Get("http://127.0.0.1:8080/healthz"); err != nil || r.StatusCode != 200 {\n\t\t\tos.Exit(1)\n\t\t}\n\t\tos.Exit(0)\n\t}\n\thttp.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})\n\t_ = http.ListenAndServe(":8080", nil)\n}\n',
    });
    return [{ bad: options, good: options }];
  },
  // SG121: each example's comment gives the address main.go listens on.
  SG121: async () => {
    const listening = (address: string) => moduleContext({ "main.go": `package main\n\nimport "net/http"\n\nfunc main() { _ = http.ListenAndServe("${address}", nil) }\n` });
    return [{ bad: await listening("localhost:8080"), good: await listening(":8080") }];
  },
  // SG122: main.go reads config.json, which the module has, as the examples' comment says.
  SG122: async () => {
    const options = await moduleContext({ "main.go": 'package main\n\nimport "os"\n\nfunc main() { _, _ = os.ReadFile("config.json") }\n', "config.json": "{}\n" });
    return [{ bad: options, good: options }];
  },
  // SG123: main.go writes under its -data default, as the examples' comment says.
  SG123: async () => {
    const options = await moduleContext({
      "main.go": 'package main\n\nimport (\n\t"flag"\n\t"os"\n)\n\nfunc main() {\n\tdir := flag.String("data", "/var/lib/app", "data directory")\n\tflag.Parse()\n\t_ = os.MkdirAll(*dir, 0o755)\n}\n',
    });
    return [{ bad: options, good: options }];
  },
  // SG124: main.go defines the one flag the examples' comment gives.
  SG124: async () => {
    const options = await moduleContext({ "main.go": 'package main\n\nimport "flag"\n\nfunc main() {\n\taddr := flag.String("addr", ":8080", "listen address")\n\tflag.Parse()\n\tprintln(*addr)\n}\n' });
    return [{ bad: options, good: options }];
  },
  // SG219 reads the entrypoint script from the build context: the one each example's comment shows.
  SG219: async () => {
    const script = (last: string) => makeContext({ app: "", "docker-entrypoint.sh": `#!/bin/sh\nset -e\n/app migrate\n${last}\n` });
    return [{ bad: { contextDir: script("/app serve") }, good: { contextDir: script("exec /app serve") } }];
  },
};

describe("rule docs examples", () => {
  for (const { meta } of rules) {
    test(`${meta.id}: the Bad example gives a ${meta.id} finding, the Good example none`, async () => {
      const text = readFileSync(new URL(meta.docs, root), "utf8");
      const example = (heading: string): string => new RegExp(`## ${heading}\\n\\n\`\`\`dockerfile\\n([\\s\\S]+?)\`\`\``).exec(text)?.[1] ?? "";
      const lint = (code: string, options: LintOptions): string[] =>
        lintDockerfile(code, { file: meta.docs, ...options }).findings.filter((f) => f.ruleId === meta.id).map((f) => `${f.line}: ${f.message}`);
      for (const { bad, good } of (await contexts[meta.id]?.()) ?? [{ bad: {}, good: {} }]) {
        assert.notDeepEqual(lint(example("Bad"), bad), [], `the Bad example of ${meta.docs} gives no ${meta.id} finding`);
        assert.deepEqual(lint(example("Good"), good), [], `the Good example of ${meta.docs} gives ${meta.id} findings`);
      }
    });
  }
});
