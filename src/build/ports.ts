import { loopback, portFromValue, unsetListenVariable } from "../analysis/server.js";
import type { ListeningPort, ProgramFacts } from "../analysis/types.js";
import { displayModuleLine } from "../fsutil/display-path.js";

/**
 * The ports a program listens on in its image, with the image's ENV applied: a variable the image
 * sets (`--env PORT=9090`, `build.env` in slimgo.yaml) moves the port its default gave, gives one to
 * a server that reads it with no default, and replaces the port a flag or literal gave when it is a
 * listen variable read with no default (LISTEN_ADDR). A value that is not a port leaves the default.
 */
export function portsInImage(facts: ProgramFacts, env: Readonly<Record<string, string>>): ListeningPort[] {
  const moved = facts.ports.map((p) => {
    const value = p.source === "env" && p.envVar !== undefined ? env[p.envVar] : undefined;
    const port = value === undefined ? undefined : portFromValue(value);
    if (port === undefined) return p;
    const { loopback: _, ...moved } = p;
    return { ...moved, port, ...loopback(value!.trim()) };
  });
  // A listen variable read with no default: the whole port when the source has none (PORT), else
  // the override of the flag or literal that gave it (LISTEN_ADDR over -listen), as the health probe takes it.
  const variable = facts.portVariable ?? (moved[0]?.source === "env" ? undefined : unsetListenVariable(facts.envVariables));
  const set = variable === undefined ? undefined : env[variable.name];
  const port = set === undefined ? undefined : portFromValue(set);
  if (variable === undefined || port === undefined) return moved;
  return [{ port, source: "env", envVar: variable.name, ...loopback(set!.trim()), evidence: variable.evidence }, ...moved.slice(1)];
}

/** The warning for a server whose port no one sets: without it the image has no port and no health check. */
export function unsetPortNote(facts: ProgramFacts, env: Readonly<Record<string, string>>, root: string): string | undefined {
  const variable = facts.portVariable;
  if (variable === undefined || portFromValue(env[variable.name] ?? "") !== undefined) return undefined;
  const at = displayModuleLine(root, variable.evidence);
  const lacks = facts.healthEndpoints.length > 0 && facts.healthFlag === undefined ? "no port and no health check" : "no port";
  return `reads its port from ${variable.name} (${at}), which has no default and which the image does not set, so the image exposes ${lacks} and the program gets no port when run: set it with --env ${variable.name}=8080 (or build.env in slimgo.yaml)`;
}
