import { cgoFacts } from "./cgo.js";
import { commandLineFlags } from "./command-line-flags.js";
import { dataDirectories, embedDirectives } from "./embeds.js";
import { externalCommands } from "./external-commands.js";
import type { Program } from "./package-graph.js";
import { runtimeNeeds } from "./runtime-needs.js";
import { stateDirectories } from "./state-directories.js";
import { environmentVariables, healthFlag, healthRoutes, isServer, listeningPorts, serveSubcommand, tlsServer, unsetPortVariable } from "./server.js";
import type { Evidence, ProgramFacts } from "./types.js";
import { packageLevelNames, versionVariables } from "./version-vars.js";

/**
 * Facts about one program, computed over the files of its build graph (main package first). Run-time
 * needs count its dependencies' code too: a library's https call or time.LoadLocation fails in the image
 * like the program's own. Every other fact is about the module's own code.
 */
export function programFacts(program: Program, requiredModules: Set<string>, tzdataTag: Evidence[] = []): ProgramFacts {
  const files = program.files;
  const main = program.packages[0]!;
  const mainFiles = files.filter((f) => main.files.includes(f.file));
  const embeds = embedDirectives(files);
  const health = healthRoutes(files);
  const imports = new Set<string>();
  for (const f of files) for (const imp of f.imports) if (imp.path !== "C") imports.add(imp.path);
  const facts: ProgramFacts = {
    needs: runtimeNeeds(files, tzdataTag, program.dependencyFiles),
    cgo: cgoFacts(files, requiredModules),
    ports: listeningPorts(files),
    healthEndpoints: health.endpoints,
    versionVariables: versionVariables(mainFiles),
    envVariables: environmentVariables(files),
    embeds,
    dataDirectories: dataDirectories(files, embeds),
    stateDirectories: stateDirectories(files),
    imports: [...imports].sort(),
    sourceFiles: files.map((f) => f.file),
    packageLevelNames: program.packages.flatMap((p, i) => packageLevelNames(files.filter((f) => p.files.includes(f.file)), i === 0 ? "main" : p.importPath)),
    isServer: isServer(files),
    externalCommands: externalCommands(files),
  };
  const portVariable = facts.isServer && facts.ports.length === 0 ? unsetPortVariable(facts.envVariables) : undefined;
  if (portVariable) facts.portVariable = portVariable;
  if (health.unresolved.length > 0) facts.unresolvedHealthRoutes = health.unresolved;
  const tls = tlsServer(files);
  if (tls) facts.tlsServer = tls;
  const flag = healthFlag(files);
  if (flag) facts.healthFlag = flag;
  const commandLine = commandLineFlags(files, program.dependencyFiles);
  if (commandLine) facts.commandLineFlags = commandLine;
  const subcommand = serveSubcommand(mainFiles, files);
  if (subcommand) facts.serveSubcommand = subcommand;
  return facts;
}
