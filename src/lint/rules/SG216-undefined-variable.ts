import { lookupAt } from "../model/build.js";
import { proxyArgs, referencedNames } from "../model/variables.js";
import type { Rule } from "../types.js";

// Variables base images commonly define; we cannot see image config, so do not guess about these.
const imageEnv = new Set(["PATH", "HOME", "HOSTNAME", "USER", "PWD", "TERM", "LANG", "LC_ALL", "SHELL", "GOPATH", "GOROOT", "GOLANG_VERSION", "GOTOOLCHAIN", "JAVA_HOME", "NODE_VERSION", "PYTHON_VERSION"]);
const checked = new Set(["ENV", "WORKDIR", "COPY", "ADD", "LABEL", "USER", "EXPOSE", "VOLUME", "STOPSIGNAL", "ARG"]);

export const rule: Rule = {
  meta: {
    id: "SG216",
    name: "undefined-variable",
    severity: "warning",
    description: "A variable used in FROM or another instruction is not declared with ARG or ENV in scope.",
    docs: "docs/rules/SG216.md",
    peers: { buildkit: ["UndefinedArgInFrom", "UndefinedVar"] },
  },
  check(ctx) {
    const { model } = ctx;
    for (const ins of model.instructions) {
      if (ins.keyword !== "FROM" && !(checked.has(ins.keyword) && ins.stage >= 0)) continue;
      const lookup = lookupAt(model, ins);
      const text = ins.keyword === "FROM" ? [ins.args[0] ?? "", ...ins.flags.map((f) => f.value ?? "")].join(" ") : model.text.slice(ins.start, ins.end);
      const reported = new Set<string>();
      for (const { name, hasDefault } of referencedNames(text, model.escape)) {
        if (hasDefault || reported.has(name) || lookup(name) !== undefined) continue;
        if (ins.keyword !== "FROM" && (imageEnv.has(name) || proxyArgs.includes(name))) continue;
        reported.add(name);
        const global = model.globalArgs.has(name) && ins.keyword !== "FROM";
        ctx.report({
          at: ins,
          message: ins.keyword === "FROM"
            ? `$${name} is not declared before FROM: add "ARG ${name}=<default>" above the first FROM`
            : global
              ? `$${name} is a global ARG, which is not visible inside a stage: add "ARG ${name}" after this stage's FROM`
              : `$${name} is not declared in this stage, so it expands to an empty string: declare it with ARG or ENV`,
        });
      }
    }
  },
};
