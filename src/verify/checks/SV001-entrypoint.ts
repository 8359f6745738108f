import { checkProgram, isShellForm, undefinedGoFlag } from "../command.js";
import { imageEnv } from "../image-paths.js";
import { imageCredentials } from "../users.js";
import { fail, pass, skip, type VerifyCheck } from "../types.js";

export const check: VerifyCheck = {
  id: "SV001",
  name: "entrypoint",
  title: "The entrypoint exists in the image, is an executable file, and is exec form (or the image has the shell it needs)",
  async run(view) {
    const entrypoint = view.config.Entrypoint ?? [];
    const cmd = view.config.Cmd ?? [];
    const argv = [...entrypoint, ...cmd];
    const shown = `${entrypoint.length > 0 ? `Entrypoint ${JSON.stringify(entrypoint)}` : "no Entrypoint"}, ${cmd.length > 0 ? `Cmd ${JSON.stringify(cmd)}` : "no Cmd"}`;
    if (argv.length === 0) {
      return fail("the image has neither ENTRYPOINT nor CMD, so a container has nothing to run: add ENTRYPOINT [\"/path/to/binary\"]", [shown]);
    }
    const env = imageEnv(view);
    const user = await imageCredentials(view);
    const program = await checkProgram(view, argv, env, user);
    const evidence = [shown, ...program.evidence];
    if (isShellForm(argv)) {
      if (!program.ok) {
        return fail(`shell form needs ${argv[0]}, and ${program.problem}: ${program.fix ?? 'write the entrypoint in exec form, ENTRYPOINT ["/path/to/binary", "arg"]'}`, evidence);
      }
      const script = argv[2] ?? "";
      const first = /^\s*(?:exec\s+)?(\/[^\s;&|<>()$`'"]+)/.exec(script)?.[1];
      if (first !== undefined) {
        const inner = await checkProgram(view, [first], env, user);
        evidence.push(...inner.evidence);
        if (!inner.ok) return fail(`the shell-form command runs ${first}, and ${inner.problem}: ${inner.fix ?? "fix the path in ENTRYPOINT/CMD"}`, evidence);
      }
      return pass(`shell form: ${argv[0]} is in the image and runs the command (exec form passes signals straight to the program)`, evidence);
    }
    if (!program.ok) return fail(`the entrypoint ${program.problem}: ${program.fix ?? "COPY the binary to that path or fix ENTRYPOINT"}`, evidence);
    const unknown = program.path === undefined ? undefined : await undefinedGoFlag(view, program.path, argv.slice(1));
    if (unknown !== undefined) {
      evidence.push(unknown.why);
      if (unknown.verdict === "absent") {
        return fail(`the container runs ${program.path} ${unknown.arg}, but the binary defines no flag ${unknown.name}: Go's flag package exits 2 on an unknown flag, so the container stops at once; fix the flag in ENTRYPOINT/CMD`, evidence);
      }
      return skip(`${argv[0]} is an executable file in the image, but its flag ${unknown.arg} could not be confirmed (${unknown.why}): if the program does not define it, Go's flag package exits 2 at start; check the flag in ENTRYPOINT/CMD`, evidence);
    }
    return pass(`${argv[0]} is an executable file in the image (exec form)`, evidence);
  },
};
