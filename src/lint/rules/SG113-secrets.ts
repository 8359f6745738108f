import { argDeclarations, envDeclarations } from "../model/build.js";
import { copyPaths } from "../model/queries.js";
import { unquoteWord } from "../model/variables.js";
import type { Rule } from "../types.js";
import { looksLikeSecretName } from "../../secret-names.js";

const secretFile = /(^|\/)(\.env(\.[\w-]+)?|id_(rsa|dsa|ecdsa|ed25519)|[^/]*\.(pem|key|p12|pfx|jks)|\.npmrc|\.netrc|credentials(\.json)?|\.git-credentials)$/i;
/** Words of an ARG/ENV name: BuildKit's "_", and also "-", "." and camelCase (apiKey). */
const nameWords = /[_\-.]|(?<=[a-z0-9])(?=[A-Z])/;

/**
 * `POSTGRES_PASSWORD_FILE=/run/secrets/db_password`: the images' `_FILE` convention, where the value
 * is the path of a file holding the secret (a secret mount, at run time), not the secret. Only a
 * value that is a path counts (a `/` in it), or none yet (`ARG TOKEN_FILE`): a bare word may be the
 * secret itself, written under the wrong name.
 */
function namesSecretFile(name: string, value: string | undefined): boolean {
  const last = name.split(nameWords).at(-1)?.toLowerCase();
  return (last === "file" || last === "path") && (value === undefined || value.includes("/"));
}

export const rule: Rule = {
  meta: {
    id: "SG113",
    name: "secrets",
    severity: "warning",
    description: "ARG/ENV names that look like secrets, or .env and key files copied into the final image.",
    docs: "docs/rules/SG113.md",
    peers: { buildkit: ["SecretsUsedInArgOrEnv"], trivy: ["DS031"] },
  },
  check(ctx) {
    const { model } = ctx;
    for (const ins of model.instructions) {
      // An ENV set to "" only declares the variable for run time: the image keeps no value.
      const envs = envDeclarations(ins, model).filter((d) => unquoteWord(d.raw, model.escape) !== "");
      const declared = ins.keyword === "ARG" ? argDeclarations(ins, model) : envs;
      for (const { name, value } of declared) {
        if (!looksLikeSecretName(name, nameWords) || namesSecretFile(name, value)) continue;
        ctx.report({ at: ins, message: `${ins.keyword} ${name} looks like a secret, and ${ins.keyword} values are kept in the image metadata: pass it with RUN --mount=type=secret,id=${name.toLowerCase()} instead` });
      }
    }
    const final = model.finalStage;
    if (!final) return;
    for (const ins of final.instructions) {
      if ((ins.keyword !== "COPY" && ins.keyword !== "ADD") || ins.flags.some((f) => f.name === "from")) continue;
      const leaked = copyPaths(ins).sources.filter((s) => secretFile.test(s.replace(/\/+$/, "")));
      if (leaked.length > 0) ctx.report({ at: ins, message: `${leaked.join(", ")} copied into the final image, where anyone who pulls it can read ${leaked.length > 1 ? "them" : "it"}: mount it as a secret at build time or provide it at run time` });
    }
  },
};
