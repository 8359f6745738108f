import { declarationAt, lookupAt } from "../model/build.js";
import { baseUsersOf } from "../model/base-users.js";
import { unwrapCommand } from "../model/command-wrappers.js";
import { isScratch } from "../model/images.js";
import { lacksUser } from "../model/stage-users.js";
import { copyPaths, lastUser, rootImage, stageChain } from "../model/queries.js";
import type { DockerfileModel, InstructionModel, StageModel } from "../model/types.js";
import { expand } from "../model/variables.js";
import type { Rule } from "../types.js";

/** Options of adduser (busybox and Debian's) and useradd that take a value, as a separate word or after "=". */
const VALUE_OPTIONS: Record<string, ReadonlySet<string>> = {
  adduser: new Set(["-h", "-g", "-s", "-G", "-u", "-k", "--home", "--shell", "--gecos", "--comment", "--ingroup", "--uid", "--gid", "--firstuid", "--lastuid", "--conf", "--add-extra-groups"]),
  useradd: new Set(["-u", "-g", "-G", "-d", "-s", "-c", "-k", "-e", "-f", "-K", "-p", "-R", "-P", "-b", "--uid", "--gid", "--groups", "--home-dir", "--shell", "--comment", "--skel", "--expiredate", "--inactive", "--key", "--password", "--root", "--prefix", "--base-dir", "--selinux-user"]),
};

/** A user an adduser or useradd in a RUN creates, with the uid it gives when one is written (after variables). */
interface CreatedUser {
  name: string;
  uid?: string;
  /** The variable the uid was written as (`--uid "${UID}"`: UID). */
  uidVariable?: string;
  tool: string;
  at: InstructionModel;
}

function createdUsers(model: DockerfileModel, stage: StageModel): CreatedUser[] {
  const out: CreatedUser[] = [];
  for (const s of stageChain(stage)) {
    for (const ins of s.instructions) {
      if (ins.keyword !== "RUN") continue;
      const lookup = lookupAt(model, ins);
      for (const c of ins.commands) {
        const raw = unwrapCommand(c).words;
        const words = raw.map((w) => expand(w.value, lookup, model.escape));
        const tool = words[0]?.value.split("/").pop() ?? "";
        const takesValue = VALUE_OPTIONS[tool];
        if (!takesValue) continue;
        const positionals: string[] = [];
        let uid: string | undefined;
        let uidVariable: string | undefined;
        for (let i = 1; i < words.length; i++) {
          const w = words[i]!;
          const eq = w.value.startsWith("--") ? w.value.indexOf("=") : -1;
          const option = eq > 0 ? w.value.slice(0, eq) : w.value;
          if (option.startsWith("-") && option.length > 1) {
            const written = eq > 0 ? raw[i]!.value.slice(raw[i]!.value.indexOf("=") + 1) : takesValue.has(option) ? raw[i + 1]?.value : undefined;
            const value = eq > 0 ? { value: w.value.slice(eq + 1), unknown: w.unknown } : takesValue.has(option) ? words[++i] : undefined;
            if ((option === "-u" || option === "--uid") && value && !value.unknown) {
              uid = value.value;
              uidVariable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(written ?? "")?.[1];
            }
            continue;
          }
          if (!w.unknown) positionals.push(w.value);
        }
        // adduser USER [GROUP]; useradd [options] LOGIN.
        const name = tool === "adduser" ? positionals[0] : positionals[positionals.length - 1];
        const numeric = uid !== undefined && /^\d+$/.test(uid) ? uid : undefined;
        if (name) out.push({ name, ...(numeric !== undefined ? { uid: numeric } : {}), ...(numeric !== undefined && uidVariable !== undefined ? { uidVariable } : {}), tool, at: ins });
      }
    }
  }
  return out;
}

export const rule: Rule = {
  meta: {
    id: "SG221",
    name: "final-user-not-numeric",
    severity: "warning",
    description: "The final stage's USER is a name, not a numeric uid: Kubernetes with runAsNonRoot cannot verify it is not root and refuses to start the container.",
    docs: "docs/rules/SG221.md",
    peers: {},
    fixable: true,
  },
  check(ctx) {
    const { model } = ctx;
    const final = model.finalStage;
    if (!final) return;
    // In scratch the names are those of the /etc/passwd copied in; with none, a name cannot even start: that is SG107's.
    const scratch = isScratch(rootImage(final));
    const passwd = scratch ? passwdCopy(final) : undefined;
    if (scratch && !passwd) return;
    /** The stage whose users the image has: the final one, or the one a scratch stage copies /etc/passwd from. */
    const users = scratch ? passwd?.from : final;
    const last = lastUser(final);
    const spec = last?.args[0];
    if (!last || spec === undefined) return;
    const e = expand(spec, lookupAt(model, last), model.escape);
    if (e.unknown) return;
    const [user = "", group] = e.value.split(":");
    if (user === "" || /^\d+$/.test(user) || user === "root") return;
    const created = users && createdUsers(model, users).filter((c) => c.name === user).pop();
    const base = users && baseUsersOf(rootImage(users));
    // A name the image lacks and nothing creates is SG218's: the container would not start at all.
    // With FROM $BASE, SG218 cannot tell (a --build-arg may pick a base that has it), so it is this rule's.
    if (!created && lacksUser(model, final, user)) return;
    const literal = created ? created.uid : base?.uids.get(user)?.toString();
    // `ARG UID=10001` + `adduser --uid "${UID}"`: USER ${UID} keeps following a --build-arg UID=...
    const variable = created?.uidVariable !== undefined && sameBinding(model, created.at, last, created.uidVariable) ? created.uidVariable : undefined;
    const uid = variable !== undefined ? `\${${variable}}` : literal;
    const numeric = uid === undefined ? undefined : group === undefined ? uid : `${uid}:${group}`;
    const source = created
      ? `${user}'s uid from the ${created.tool} at line ${created.at.range.line}${variable !== undefined ? `, which a --build-arg ${variable}=... changes for both` : ""}`
      : `${user}'s uid in ${rootImage(users ?? final).repository}`;
    const advice =
      numeric !== undefined
        ? `write USER ${numeric} (${source})`
        : created
          ? `give ${user} a fixed uid when creating it (adduser -u 10001 ${user}, or useradd -u 10001 ${user}) and write USER 10001`
          : user === "nobody"
            ? `write its uid instead: nobody is 65534 in busybox, alpine, debian, ubuntu, distroless and RHEL 8 on, so USER 65534:65534 (check /etc/passwd of ${users ? rootImage(users).repository : "the image"})`
            : `write the uid instead (USER 65532:65532 for a user of your own)`;
    const written = model.text.slice(last.argsStart, last.argsStart + spec.length) === spec && /^[\w.-]+(:[\w.-]+)?$/.test(spec);
    const fix =
      numeric !== undefined && written
        ? { description: `replace ${user} with ${uid}`, edits: [{ start: last.argsStart, end: last.argsStart + spec.split(":")[0]!.length, text: uid! }] }
        : undefined;
    ctx.report({
      at: last,
      message: `USER ${e.value} names the user instead of its uid, so Kubernetes with runAsNonRoot: true cannot verify it is not root and refuses to start the container: ${advice}`,
      ...(fix ? { fix } : {}),
    });
  },
};

/** Whether `name` has the same ARG or ENV behind it at both instructions, so it expands the same in both. */
function sameBinding(model: DockerfileModel, a: InstructionModel, b: InstructionModel, name: string): boolean {
  const first = declarationAt(model, a, name);
  const second = declarationAt(model, b, name);
  return first !== undefined && second !== undefined && first.instruction === second.instruction;
}

/** The last COPY or ADD that puts /etc/passwd in the stage, with the stage it copies from (none for the build context or an image). */
function passwdCopy(stage: StageModel): { from?: StageModel } | undefined {
  for (const s of stageChain(stage)) {
    for (const ins of [...s.instructions].reverse()) {
      if (ins.keyword !== "COPY" && ins.keyword !== "ADD") continue;
      const { sources, dest } = copyPaths(ins);
      if (!sources.concat(dest).some((p) => /(^|\/)etc\/passwd$|^\/etc\/?$/.test(p))) continue;
      const from = s.copyFrom.find((e) => e.instruction === ins)?.stage;
      return from ? { from } : {};
    }
  }
  return undefined;
}
