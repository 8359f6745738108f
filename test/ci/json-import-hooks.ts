// Node module hook for tests: @actions/workflow-parser is built for bundlers and imports its JSON
// schema without `with { type: "json" }`, which Node 20 refuses. This serves those JSON files as
// ES modules. Registered by workflow-parser.ts; loading this file by itself does nothing.
import { readFile } from "node:fs/promises";

type NextLoad = (url: string, context: unknown) => Promise<unknown>;

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<unknown> {
  if (url.endsWith(".json") && url.includes("/@actions/workflow-parser/")) {
    const text = await readFile(new URL(url), "utf8");
    return { format: "module", source: `export default ${text};`, shortCircuit: true };
  }
  return nextLoad(url, context);
}
