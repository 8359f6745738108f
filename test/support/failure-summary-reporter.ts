// A node:test reporter run beside TAP: when the run ends it repeats each failed test with its file,
// line and error. A CI that keeps only the tail of a 2,000-test log still shows what failed.
import { inspect } from "node:util";

interface FailEvent {
  type: "test:fail";
  data: {
    name: string;
    nesting: number;
    file?: string;
    line?: number;
    details: { error?: unknown };
  };
}

interface StartEvent {
  type: "test:start";
  data: { name: string; nesting: number; file?: string };
}

interface OtherEvent {
  type: string;
}

const MAX_ERROR_LINES = 40;
const NODE_INTERNAL_FRAME = /^\s+at (?:.*\()?node:/;

function failureType(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "failureType" in error) {
    return String((error as { failureType: unknown }).failureType);
  }
  return undefined;
}

function describeError(error: unknown): string {
  const cause = typeof error === "object" && error !== null && "cause" in error
    ? (error as { cause: unknown }).cause
    : error;
  const lines = inspect(cause, { depth: 4 })
    .split("\n")
    .filter((line) => !NODE_INTERNAL_FRAME.test(line));
  const shown = lines.slice(0, MAX_ERROR_LINES);
  if (lines.length > shown.length) shown.push(`… ${lines.length - shown.length} more lines`);
  return shown.map((line) => `#     ${line}`).join("\n");
}

export default async function* failureSummary(
  source: AsyncIterable<StartEvent | FailEvent | OtherEvent>,
): AsyncGenerator<string> {
  // Per file, the names of the suites a test is nested in; files run concurrently.
  const suitesByFile = new Map<string, string[]>();
  const failures: { path: string; data: FailEvent["data"] }[] = [];
  for await (const event of source) {
    if (event.type === "test:start") {
      const { data } = event as StartEvent;
      const suites = suitesByFile.get(data.file ?? "") ?? [];
      suites.length = data.nesting;
      suites.push(data.name);
      suitesByFile.set(data.file ?? "", suites);
    }
    if (event.type !== "test:fail") continue;
    const { data } = event as FailEvent;
    // A suite fails when one of its tests does; the test itself is already listed.
    if (failureType(data.details.error) === "subtestsFailed") continue;
    const suites = (suitesByFile.get(data.file ?? "") ?? []).slice(0, data.nesting);
    failures.push({ path: [...suites, data.name].join(" > "), data });
  }
  if (failures.length === 0) return;
  yield `\n# ${failures.length} failed test${failures.length === 1 ? "" : "s"}:\n`;
  for (const { path, data } of failures) {
    const where = data.file ? `${data.file}${data.line ? `:${data.line}` : ""}` : "(unknown file)";
    yield `# not ok: ${path}\n#   at ${where}\n${describeError(data.details.error)}\n`;
  }
}
