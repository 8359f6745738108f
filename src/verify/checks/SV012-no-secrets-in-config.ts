import { looksLikeSecretName } from "../../secret-names.js";
import { assignmentsIn, maskValue } from "../secrets.js";
import { fail, pass, type VerifyCheck } from "../types.js";

export const check: VerifyCheck = {
  id: "SV012",
  name: "no-secrets-in-config",
  title: "No secret-looking values in the image's env, labels or build history",
  async run(view) {
    const evidence: string[] = [];
    for (const line of view.config.Env ?? []) {
      const eq = line.indexOf("=");
      const name = eq < 0 ? line : line.slice(0, eq);
      const value = eq < 0 ? "" : line.slice(eq + 1);
      if (value !== "" && looksLikeSecretName(name)) evidence.push(`Env ${name}=${maskValue(value)}`);
    }
    for (const [key, value] of Object.entries(view.config.Labels ?? {})) {
      if (value !== "" && looksLikeSecretName(key, /[_.\-]/)) evidence.push(`Label ${key}=${maskValue(value)}`);
    }
    view.history.forEach((entry, index) => {
      for (const { name, value } of assignmentsIn(entry.created_by ?? "")) {
        if (value !== "" && looksLikeSecretName(name)) evidence.push(`history[${index}] ${name}=${maskValue(value)}`);
      }
    });
    if (evidence.length === 0) return pass("no secret-looking names with values in env, labels or history");
    return fail(
      "secret-looking values are stored in the image config, where `docker history` and `inspect` show them to anyone who pulls the image: pass them at run time (environment, mounted files) and at build time with RUN --mount=type=secret",
      evidence,
    );
  },
};
