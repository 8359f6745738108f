/**
 * The .dockerignore `init` writes: keeps secrets, history and build output out of the
 * build context. vendor/ stays in when the module is vendored, because the build reads it.
 */
export function generateDockerignore(options: { vendored: boolean }): string {
  const sections: [string, string[]][] = [
    ["Version control and secrets never belong in an image.", [".git", ".gitignore", ".env", ".env.*", ".netrc", "*.pem", "*.key", "secrets/"]],
    ["Editor and OS files.", [".idea/", ".vscode/", "*.swp", "*~", ".DS_Store"]],
    ["Build output, test binaries and coverage.", ["bin/", "dist/", "out/", "*.exe", "*.test", "*.out", "coverage.*", "cover.out"]],
    ["Container files change the context without changing the program.", ["Dockerfile*", ".dockerignore", "compose*.y*ml", "docker-compose*.y*ml"]],
  ];
  if (!options.vendored) sections.push(["Modules are downloaded in the build; a local vendor/ would be stale.", ["vendor/"]]);
  return `${sections.map(([why, patterns]) => [`# ${why}`, ...patterns].join("\n")).join("\n\n")}\n`;
}
