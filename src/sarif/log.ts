/** The SARIF 2.1.0 log that `slimgo lint` and `slimgo verify` write for code scanning: one run of slimgo, its rules and its results. */

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri: string;
  help: { text: string; markdown?: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; precision: "high" };
}

export type SarifLevel = "error" | "warning" | "note";

export interface SarifResult {
  ruleId: string;
  level: SarifLevel;
  message: { text: string };
  locations: unknown[];
  properties?: Record<string, unknown>;
}

/** "cgo-static-runtime" → "CgoStaticRuntime": SARIF rule names are PascalCase. */
export function sarifRuleName(kebab: string): string {
  return kebab.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase());
}

/** The log as JSON text; each result gets the index of its rule, when the rule is listed. */
export function sarifLog(run: { informationUri: string; toolVersion?: string; rules: SarifRule[]; results: SarifResult[] }): string {
  const index = new Map(run.rules.map((r, i) => [r.id, i]));
  const results = run.results.map(({ ruleId, ...rest }) => ({ ruleId, ...(index.has(ruleId) ? { ruleIndex: index.get(ruleId) } : {}), ...rest }));
  const version = run.toolVersion ? { version: run.toolVersion, semanticVersion: run.toolVersion } : {};
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "slimgo", informationUri: run.informationUri, ...version, rules: run.rules } }, results }],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
