import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildModel } from "../../src/lint/model/build.js";
import { unwrapCommand, whyDropped } from "../../src/lint/model/command-wrappers.js";

/** Variables looked up in every case: an ordinary one, those su and gosu set, and the one a login keeps. */
const probes = ["X", "HOME", "SHELL", "TERM"];

interface Unwrapped {
  command: string[];
  wrappers: string[];
  /** droppedBy of each probe that does not reach the command. */
  dropped: Record<string, string>;
  /** The RUN text before the insertion point, with "env " when the words go through env; undefined when there is no place. */
  insert: string | undefined;
}

function unwrap(run: string): Unwrapped {
  const m = buildModel(`FROM golang:1.22\nRUN ${run}\n`);
  const ins = m.instructions[1]!;
  const u = unwrapCommand(ins.commands[0]!);
  const dropped: Record<string, string> = {};
  for (const name of probes) {
    const by = u.droppedBy(name);
    assert.equal(u.inherits(name), by === undefined, `${run}: inherits(${name}) agrees with droppedBy`);
    if (by !== undefined) dropped[name] = by;
  }
  const insert = u.envInsert && `${m.text.slice(ins.argsStart, u.envInsert.at)}${u.envInsert.throughEnv ? "env " : ""}`;
  return { command: u.words.map((w) => w.value), wrappers: u.wrappers, dropped, insert };
}

const switchedUser = (by: string): Record<string, string> => ({ HOME: by, SHELL: by });

describe("command wrappers", () => {
  const cases: [string, Unwrapped][] = [
    // timeout [OPTION] DURATION COMMAND: the duration is not the command.
    ["timeout 300 go build ./...", { command: ["go", "build", "./..."], wrappers: ["timeout"], dropped: {}, insert: "timeout 300 env " }],
    ["timeout -s KILL --kill-after=10 --preserve-status --foreground -v 5m go test ./...", { command: ["go", "test", "./..."], wrappers: ["timeout"], dropped: {}, insert: "timeout -s KILL --kill-after=10 --preserve-status --foreground -v 5m env " }],
    ["timeout --signal TERM -k 5 1h nice go build", { command: ["go", "build"], wrappers: ["timeout", "nice"], dropped: {}, insert: "timeout --signal TERM -k 5 1h nice env " }],
    ["timeout -x 300 go build", { command: ["go", "build"], wrappers: ["timeout"], dropped: {}, insert: undefined }],
    // chroot [OPTION] NEWROOT [COMMAND]
    ["chroot /rootfs go build", { command: ["go", "build"], wrappers: ["chroot"], dropped: {}, insert: "chroot /rootfs env " }],
    ["chroot --userspec=1000:1000 --groups=1000 --skip-chdir /rootfs go build", { command: ["go", "build"], wrappers: ["chroot"], dropped: {}, insert: "chroot --userspec=1000:1000 --groups=1000 --skip-chdir /rootfs env " }],
    ["chroot /rootfs", { command: [], wrappers: ["chroot"], dropped: {}, insert: undefined }],
    // gosu USER COMMAND, su-exec USER[:GROUP] COMMAND: they set HOME.
    ["gosu builder go build", { command: ["go", "build"], wrappers: ["gosu"], dropped: { HOME: "gosu" }, insert: "gosu builder env " }],
    ["X=1 su-exec app:app go build", { command: ["go", "build"], wrappers: ["su-exec"], dropped: { HOME: "su-exec" }, insert: "X=1 su-exec app:app env " }],
    // runuser -u USER [--] COMMAND sets HOME, SHELL, USER and LOGNAME unless -m; without -u it is not a wrapper.
    ["runuser -u builder -- go build", { command: ["go", "build"], wrappers: ["runuser"], dropped: switchedUser("runuser"), insert: "runuser -u builder -- env " }],
    ["runuser --user=builder go build", { command: ["go", "build"], wrappers: ["runuser"], dropped: switchedUser("runuser"), insert: "runuser --user=builder env " }],
    ["runuser -m -u builder go build", { command: ["go", "build"], wrappers: ["runuser"], dropped: {}, insert: "runuser -m -u builder env " }],
    ["runuser -g staff -u builder go build", { command: ["go", "build"], wrappers: ["runuser"], dropped: switchedUser("runuser"), insert: "runuser -g staff -u builder env " }],
    ["timeout 60 runuser builder -c 'make'", { command: ["runuser", "builder", "-c", "make"], wrappers: ["timeout"], dropped: {}, insert: "timeout 60 env " }],
    // ionice [-c CLASS] [-n LEVEL] [-t] COMMAND; with -p/-P/-u it runs nothing.
    ["ionice -c 3 -n 7 -t go build", { command: ["go", "build"], wrappers: ["ionice"], dropped: {}, insert: "ionice -c 3 -n 7 -t env " }],
    ["ionice --class idle go build", { command: ["go", "build"], wrappers: ["ionice"], dropped: {}, insert: "ionice --class idle env " }],
    ["ionice -c 3 -p 1 2 3", { command: [], wrappers: ["ionice"], dropped: {}, insert: undefined }],
    // stdbuf -i/-o/-e MODE COMMAND
    ["stdbuf -oL -e 0 --input=0 go test", { command: ["go", "test"], wrappers: ["stdbuf"], dropped: {}, insert: "stdbuf -oL -e 0 --input=0 env " }],
    // taskset [-a] [-c] MASK COMMAND; with -p it runs nothing.
    ["taskset 0x3 go build", { command: ["go", "build"], wrappers: ["taskset"], dropped: {}, insert: "taskset 0x3 env " }],
    ["taskset -a -c 0-3 go build", { command: ["go", "build"], wrappers: ["taskset"], dropped: {}, insert: "taskset -a -c 0-3 env " }],
    ["taskset -p 0x3 42", { command: [], wrappers: ["taskset"], dropped: {}, insert: undefined }],
    // setarch [ARCH] [OPTIONS] COMMAND
    ["setarch x86_64 -R go build", { command: ["go", "build"], wrappers: ["setarch"], dropped: {}, insert: "setarch x86_64 -R env " }],
    ["setarch --addr-no-randomize go build", { command: ["go", "build"], wrappers: ["setarch"], dropped: {}, insert: "setarch --addr-no-randomize env " }],
    ["setarch --list", { command: [], wrappers: ["setarch"], dropped: {}, insert: undefined }],
    // xargs reads its arguments from stdin: not a wrapper.
    ["timeout 60 xargs go build", { command: ["xargs", "go", "build"], wrappers: ["timeout"], dropped: {}, insert: "timeout 60 env " }],
    // In any mix: the outermost wrapper that drops a variable is named.
    ["sudo -E timeout 300 gosu builder env CGO_ENABLED=0 go build", { command: ["go", "build"], wrappers: ["sudo", "timeout", "gosu", "env"], dropped: { HOME: "gosu" }, insert: "sudo -E timeout 300 gosu builder env " }],
    ["sudo -E stdbuf -oL runuser -u builder go build", { command: ["go", "build"], wrappers: ["sudo", "stdbuf", "runuser"], dropped: switchedUser("runuser"), insert: "sudo -E stdbuf -oL runuser -u builder env " }],
  ];
  for (const [run, expected] of cases) {
    test(`RUN ${run}`, () => assert.deepEqual(unwrap(run), expected));
  }

  test("why a wrapper drops a variable, for messages", () => {
    assert.equal(whyDropped("gosu", "HOME"), "gosu sets HOME for the user it switches to");
    assert.equal(whyDropped("runuser", "HOME"), "runuser sets HOME for the user it switches to; runuser -m keeps it");
    assert.equal(whyDropped("runuser -l", "CGO_ENABLED"), "runuser -l resets the environment; runuser without -l, or with -w CGO_ENABLED, keeps it");
    assert.equal(whyDropped("su -", "GOFLAGS"), "su - resets the environment; su without -, or with -w GOFLAGS, keeps it");
    assert.equal(whyDropped("su --login", "PATH"), "su --login resets the environment", "-w cannot keep PATH");
  });
});
