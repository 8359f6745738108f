import { checkProgram, isShellForm, undefinedGoFlag } from "../command.js";
import { imageEnv } from "../image-paths.js";
import { shellPrograms } from "../shell-programs.js";
import { imageCredentials } from "../users.js";
import { fail, pass, skip, type VerifyCheck } from "../types.js";

export const check: VerifyCheck = {
  id: "SV002",
  name: "healthcheck",
  title: "The HEALTHCHECK command exists in the image and is executable; CMD-SHELL only where the image has a shell",
  async run(view) {
    const test = view.config.Healthcheck?.Test ?? [];
    const [kind, ...rest] = test;
    if (kind === undefined) return skip("no HEALTHCHECK in the image config (OCI image configs cannot carry one; Docker v2 configs can)");
    if (kind === "NONE") return skip("HEALTHCHECK NONE: health checks are disabled", [`Healthcheck.Test ${JSON.stringify(test)}`]);
    const env = imageEnv(view);
    const user = await imageCredentials(view);
    const evidence = [`Healthcheck.Test ${JSON.stringify(test)}`];
    if (kind === "CMD-SHELL") {
      const shell = view.config.Shell && view.config.Shell.length > 0 ? view.config.Shell : ["/bin/sh", "-c"];
      const verdict = await checkProgram(view, shell, env, user);
      evidence.push(...verdict.evidence);
      if (!verdict.ok) {
        return fail(`HEALTHCHECK CMD-SHELL runs through ${shell[0]}, and ${verdict.problem}: ${verdict.fix ?? 'use exec form, HEALTHCHECK CMD ["/path/to/probe", "arg"]'}`, evidence);
      }
      const script = rest.join(" ");
      if (!isShellForm([...shell, script])) return pass(`HEALTHCHECK runs through ${shell[0]}, which is in the image (not a POSIX shell: the string is not read)`, evidence);
      const { programs, everyCommand } = shellPrograms(script);
      const read = everyCommand ? "the first word of every command in the string" : "the first command of the string only";
      for (const name of programs) {
        const program = await checkProgram(view, [name], env, user);
        evidence.push(...program.evidence);
        if (!program.ok) {
          const fix =
            program.fix ??
            `install ${name} in the image, or probe without a shell: give the program a health flag (or copy in a static probe) and use exec form, HEALTHCHECK CMD ["/path/to/app", "-health"]`;
          return fail(`HEALTHCHECK CMD-SHELL runs ${JSON.stringify(script)}, and ${program.problem}, so the check never passes: ${fix}`, evidence);
        }
      }
      if (programs.length === 0) return pass(`HEALTHCHECK runs through ${shell[0]}, which is in the image; the string starts no program to look up (checked: ${read})`, evidence);
      return pass(`HEALTHCHECK runs through ${shell[0]}, which is in the image, and so ${programs.length === 1 ? "is" : "are"} ${programs.join(", ")} (checked: ${read})`, evidence);
    }
    if (kind !== "CMD") return fail(`HEALTHCHECK test type ${kind} is not one the runtime knows (CMD, CMD-SHELL, NONE)`, evidence);
    const verdict = await checkProgram(view, rest, env, user);
    evidence.push(...verdict.evidence);
    if (!verdict.ok) return fail(`the HEALTHCHECK command ${verdict.problem}: ${verdict.fix ?? "COPY the probe into the image or fix the HEALTHCHECK path"}`, evidence);
    const unknown = verdict.path === undefined ? undefined : await undefinedGoFlag(view, verdict.path, rest.slice(1));
    if (unknown !== undefined) {
      evidence.push(unknown.why);
      if (unknown.verdict === "absent") {
        return fail(`the HEALTHCHECK runs ${verdict.path} ${unknown.arg}, but the binary defines no flag ${unknown.name}: Go's flag package exits 2 on an unknown flag, so the check never passes; use the flag the program has`, evidence);
      }
      return skip(`${rest[0]} is an executable file in the image, but its flag ${unknown.arg} could not be confirmed (${unknown.why}): if the program does not define it, Go's flag package exits 2 and the check never passes; check the flag in HEALTHCHECK`, evidence);
    }
    return pass(`${rest[0]} is an executable file in the image (exec form)`, evidence);
  },
};
