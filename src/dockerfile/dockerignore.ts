/**
 * The .dockerignore `init` writes: keeps secrets, history and build output out of the build
 * context. vendor/ stays in when the module is vendored, because the build reads it, and what the
 * build reads that a pattern would drop (a front end's dist/ that //go:embed names) is taken back
 * in at the end. A .dockerignore the project already has is kept, with what the recipe needs added.
 */
import type { ContextInput } from "../analysis/build-inputs.js";
import { dockerignoreMatcher } from "./dockerignore-patterns.js";

export interface DockerignoreOptions {
  vendored: boolean;
  /** What the Dockerfile takes from the context (see buildInputs): those the patterns would drop get a `!` line at the end. */
  inputs?: readonly ContextInput[];
}

/** The text, and the inputs taken back in (for init to explain). */
export interface GeneratedDockerignore {
  text: string;
  kept: ContextInput[];
  /** Secret and history patterns added to an existing file. */
  added: string[];
}

const SECRETS = [".git", ".gitignore", ".env", ".env.*", ".netrc", "*.pem", "*.key", "secrets/"];
/** A path each secret pattern must exclude, to tell whether an existing file already covers it. */
const SECRET_SAMPLES: Record<string, string> = { ".git": ".git/HEAD", ".env": ".env", ".env.*": ".env.local", ".netrc": ".netrc", "*.pem": "tls.pem", "*.key": "tls.key", "secrets/": "secrets/db.txt" };
const TAKEN_BACK = "The build reads these, though a pattern above matches them.";

export function generateDockerignore(options: DockerignoreOptions): GeneratedDockerignore {
  const sections: [string, string[]][] = [
    ["Version control and secrets never belong in an image.", SECRETS],
    ["Editor and OS files.", [".idea/", ".vscode/", "*.swp", "*~", ".DS_Store"]],
    ["Build output, test binaries and coverage.", ["bin/", "dist/", "out/", "*.exe", "*.test", "*.out", "coverage.*", "cover.out"]],
    ["Container files change the context without changing the program.", ["Dockerfile*", ".dockerignore", "compose*.y*ml", "docker-compose*.y*ml"]],
  ];
  if (!options.vendored) sections.push(["Modules are downloaded in the build; a local vendor/ would be stale.", ["vendor/"]]);
  const { kept, lines } = takenBack(sections.flatMap(([, p]) => p), options);
  if (lines.length > 0) sections.push([TAKEN_BACK, lines]);
  return { text: render(sections), kept, added: [] };
}

/**
 * An existing .dockerignore with what the recipe needs appended: the secret and history patterns it
 * lets through, and `!` lines for what the build reads that its patterns drop; unchanged when it needs nothing.
 */
export function mergeDockerignore(existing: string, options: DockerignoreOptions): GeneratedDockerignore {
  const own = existing.split(/\r?\n/);
  const ownMatcher = dockerignoreMatcher(own);
  const added = SECRETS.filter((p) => SECRET_SAMPLES[p] !== undefined && !ownMatcher.isIgnored(SECRET_SAMPLES[p]!));
  const { kept, lines } = takenBack([...own, ...added], options);
  const sections: [string, string[]][] = [];
  if (added.length > 0) sections.push(["Added by slimgo init: version control and secrets never belong in an image.", added]);
  if (lines.length > 0) sections.push([`Added by slimgo init: ${TAKEN_BACK.charAt(0).toLowerCase()}${TAKEN_BACK.slice(1)}`, lines]);
  if (sections.length === 0) return { text: existing, kept, added };
  return { text: `${existing.replace(/\n*$/, "\n")}\n${render(sections)}`, kept, added };
}

function takenBack(patterns: readonly string[], options: DockerignoreOptions): { kept: ContextInput[]; lines: string[] } {
  const matcher = dockerignoreMatcher(patterns);
  // An embed that matches nothing yet (a front end's output, built before docker build) is judged by its pattern.
  const kept = (options.inputs ?? []).filter((input) => (input.files.length > 0 ? input.files : [input.pattern]).some((f) => matcher.isIgnored(f)));
  const lines = kept.map((input) => `!${input.pattern}`);
  if (options.vendored && matcher.isIgnored("vendor/modules.txt")) lines.push("!vendor");
  return { kept, lines };
}

function render(sections: readonly [string, readonly string[]][]): string {
  return `${sections.map(([why, lines]) => [`# ${why}`, ...lines].join("\n")).join("\n\n")}\n`;
}
