/**
 * The .dockerignore `init` writes: keeps secrets, history and build output out of the
 * build context. vendor/ stays in when the module is vendored, because the build reads it, and
 * what the build reads that a pattern would drop (a front end's dist/ that //go:embed names) is
 * taken back in at the end.
 */
import type { BuildInput } from "../analysis/build-inputs.js";
import { isIgnored } from "./dockerignore-patterns.js";

/**
 * `inputs` the build reads (see buildInputs): those the patterns would drop get a `!` line at the end;
 * `kept` lists them, for init to explain.
 */
export function generateDockerignore(options: { vendored: boolean; inputs?: readonly BuildInput[] }): { text: string; kept: BuildInput[] } {
  const sections: [string, string[]][] = [
    ["Version control and secrets never belong in an image.", [".git", ".gitignore", ".env", ".env.*", ".netrc", "*.pem", "*.key", "secrets/"]],
    ["Editor and OS files.", [".idea/", ".vscode/", "*.swp", "*~", ".DS_Store"]],
    ["Build output, test binaries and coverage.", ["bin/", "dist/", "out/", "*.exe", "*.test", "*.out", "coverage.*", "cover.out"]],
    ["Container files change the context without changing the program.", ["Dockerfile*", ".dockerignore", "compose*.y*ml", "docker-compose*.y*ml"]],
  ];
  if (!options.vendored) sections.push(["Modules are downloaded in the build; a local vendor/ would be stale.", ["vendor/"]]);
  const patterns = sections.flatMap(([, p]) => p);
  const kept = (options.inputs ?? []).filter((input) => input.files.some((f) => isIgnored(patterns, f)));
  if (kept.length > 0) sections.push(["The build reads these, though a pattern above matches them.", kept.map((input) => `!${input.pattern}`)]);
  return { text: `${sections.map(([why, lines]) => [`# ${why}`, ...lines].join("\n")).join("\n\n")}\n`, kept };
}
