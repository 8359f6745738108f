import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { checks } from "../../src/verify/index.js";
import type { CheckStatus, VerifyOptions } from "../../src/verify/types.js";
import { fakeView, goBinary, type FakeImage } from "./fake-view.js";

interface Case {
  name: string;
  image: FakeImage;
  options?: VerifyOptions;
  status: CheckStatus;
  /** The message (or, with `evidence`, an evidence line) must match. */
  message?: RegExp;
  evidence?: RegExp;
}

function table(checkName: string, cases: Case[]): void {
  const check = checks.find((c) => c.name === checkName);
  describe(`${check?.id} ${checkName}`, () => {
    for (const c of cases) {
      test(c.name, async () => {
        assert.ok(check, `no check named ${checkName}`);
        const result = await check.run(fakeView(c.image), c.options ?? {});
        assert.equal(result.status, c.status, `${result.message}\n${result.evidence.join("\n")}`);
        if (c.message) assert.match(result.message, c.message);
        if (c.evidence) assert.ok(result.evidence.some((e) => c.evidence!.test(e)), `no evidence line matches ${c.evidence}: ${JSON.stringify(result.evidence)}`);
      });
    }
  });
}

const exe = { content: "\x7fELF", mode: 0o755 };
/** The first bytes of a Windows PE executable: MZ, the PE header offset at 0x3c, then PE\0\0 and the machine (0x8664, x86-64). */
const peHead = (() => {
  const b = Buffer.alloc(0x100);
  b.write("MZ", 0, "latin1");
  b.writeUInt32LE(0x80, 0x3c);
  b.write("PE\0\0", 0x80, "latin1");
  b.writeUInt16LE(0x8664, 0x84);
  return b;
})();
const windowsExe = { content: peHead, mode: 0o755 };
/** A 64-bit little-endian Mach-O header for arm64 (CPU_TYPE_ARM64). */
const machoExe = { content: Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0x00, 0x00, 0x01, 0, 0, 0, 0]), mode: 0o755 };
/** An ELF header (64-bit, little-endian) with e_machine at offset 18. */
const elfFor = (machine: number) => {
  const b = Buffer.alloc(64);
  b.write("\x7fELF", 0, "latin1");
  b[4] = 2;
  b[5] = 1;
  b.writeUInt16LE(machine, 18);
  return { content: b, mode: 0o755 };
};
const passwd = "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n";

table("entrypoint", [
  { name: "exec form binary passes", image: { config: { Entrypoint: ["/app"] }, files: { "/app": exe } }, status: "pass", message: /exec form/ },
  { name: "missing binary fails", image: { config: { Entrypoint: ["/app"] } }, status: "fail", message: /\/app does not exist/ },
  { name: "non-executable file fails", image: { config: { Entrypoint: ["/app"] }, files: { "/app": { content: "x", mode: 0o644 } } }, status: "fail", message: /not executable \(mode 0644\): make it executable \(COPY --chmod=0755, or RUN chmod 0755/ },
  { name: "directory fails", image: { config: { Entrypoint: ["/app"] }, files: { "/app": { dir: true } } }, status: "fail", message: /is a directory/ },
  { name: "no entrypoint and no cmd fails", image: {}, status: "fail", message: /neither ENTRYPOINT nor CMD/ },
  {
    name: "an entrypoint that is a symlink loop fails as one, not as missing",
    image: { config: { Entrypoint: ["/loop-a"] }, files: { "/loop-a": { symlink: "/loop-b" }, "/loop-b": { symlink: "loop-a" } } },
    status: "fail",
    message: /^the entrypoint \/loop-a is a symlink loop, so the runtime fails with "too many levels of symbolic links"/,
  },
  { name: "cmd alone is the program", image: { config: { Cmd: ["/usr/local/bin/app", "-v"] }, files: { "/usr/local/bin/app": exe } }, status: "pass" },
  {
    name: "symlink followed inside the image",
    image: { config: { Entrypoint: ["/usr/bin/app"] }, files: { "/usr/bin/app": { symlink: "../local/app" }, "/usr/local/app": exe } },
    status: "pass",
    evidence: /\/usr\/bin\/app → \.\.\/local\/app/,
  },
  {
    name: "absolute symlink resolves from the image root",
    image: { config: { Entrypoint: ["/bin/app"] }, files: { "/bin": { symlink: "/usr/bin" }, "/usr/bin/app": exe } },
    status: "pass",
  },
  { name: "dangling symlink fails", image: { config: { Entrypoint: ["/app"] }, files: { "/app": { symlink: "/nowhere" } } }, status: "fail" },
  { name: "symlink loop fails", image: { config: { Entrypoint: ["/a"] }, files: { "/a": { symlink: "/b" }, "/b": { symlink: "/a" } } }, status: "fail" },
  { name: "bare name found through PATH", image: { config: { Entrypoint: ["app"], Env: ["PATH=/opt/bin:/bin"] }, files: { "/opt/bin/app": exe } }, status: "pass" },
  { name: "bare name not in PATH fails", image: { config: { Entrypoint: ["app"], Env: ["PATH=/bin"] }, files: { "/opt/bin/app": exe } }, status: "fail", message: /not found in the image's PATH/ },
  { name: "relative path taken from WorkingDir", image: { config: { Entrypoint: ["./app"], WorkingDir: "/srv" }, files: { "/srv/app": exe } }, status: "pass" },
  { name: "shell form without a shell fails", image: { config: { Entrypoint: ["/bin/sh", "-c", "/app"] }, files: { "/app": exe } }, status: "fail", message: /shell form needs \/bin\/sh/ },
  {
    name: "shell form with busybox sh passes",
    image: { config: { Entrypoint: ["/bin/sh", "-c", "exec /app --serve"] }, files: { "/bin/sh": { symlink: "busybox" }, "/bin/busybox": exe, "/app": exe } },
    status: "pass",
    message: /shell form/,
  },
  {
    name: "shell form whose program is missing fails",
    image: { config: { Entrypoint: ["/bin/sh", "-c", "/app --serve"] }, files: { "/bin/sh": exe } },
    status: "fail",
    message: /runs \/app/,
  },
  {
    name: "script whose interpreter is missing fails",
    image: { config: { Entrypoint: ["/entrypoint.sh"] }, files: { "/entrypoint.sh": { content: "#!/bin/bash\nexec /app\n", mode: 0o755 } } },
    status: "fail",
    message: /interpreter \/bin\/bash is not in the image/,
  },
  {
    name: "a script saved with CRLF line endings fails: the kernel looks for an interpreter whose path ends in a carriage return",
    image: { config: { Entrypoint: ["/entrypoint.sh"] }, files: { "/entrypoint.sh": { content: "#!/bin/sh\r\nexec /app\r\n", mode: 0o755 }, "/bin/sh": exe } },
    status: "fail",
    message: /^the entrypoint \/entrypoint\.sh has Windows \(CRLF\) line endings: its #! line ends in a carriage return, which the kernel keeps in "\/bin\/sh\\r", .*: convert it to LF line endings/,
  },
  {
    name: "a CRLF script whose #! line gives an option fails too: the option carries the carriage return",
    image: { config: { Entrypoint: ["/entrypoint.sh"] }, files: { "/entrypoint.sh": { content: "#!/bin/sh -e\r\nexec /app\r\n", mode: 0o755 }, "/bin/sh": exe } },
    status: "fail",
    message: /keeps in "-e\\r"/,
  },
  {
    name: "script with its interpreter passes",
    image: { config: { Entrypoint: ["/entrypoint.sh"] }, files: { "/entrypoint.sh": { content: "#!/bin/sh\nexec /app\n", mode: 0o755 }, "/bin/sh": exe } },
    status: "pass",
  },
  {
    name: "a flag name in a binary whose code slimgo does not read is not confirmed, and not passed (real binaries: go-flags.test.ts)",
    image: { ...goFlagImage([]), config: { Entrypoint: ["/app", "-addr", ":8080"] } },
    status: "skip",
    message: /but its flag -addr could not be confirmed \(\/app holds "addr", but slimgo reads string literals only in amd64 and arm64 code/,
  },
  {
    name: "a Go binary given a flag whose name is nowhere in it fails: it exits 2 at start",
    image: { ...goFlagImage([]), config: { Entrypoint: ["/app"], Cmd: ["-adr", ":8080"] } },
    status: "fail",
    message: /the container runs \/app -adr, but the binary defines no flag adr/,
  },
  { name: "what follows -- is not a flag", image: { ...goFlagImage([]), config: { Entrypoint: ["/app", "--", "-anything"] } }, status: "pass" },
  {
    name: "a binary only its owner (root) may run fails for a non-root USER, naming the user, owner and mode",
    image: { config: { Entrypoint: ["/app"], User: "65532:65532" }, files: { "/app": { content: "\x7fELF", mode: 0o700 } } },
    status: "fail",
    message: /^the entrypoint \/app \(mode 0700, owner 0:0\) is not executable by the image user 65532:65532 \(uid 65532, gid 65532\), so the runtime fails with "permission denied": make it executable .*chmod 0755.*COPY --chown=65532:65532/,
  },
  { name: "root runs a 0700 root-owned binary", image: { config: { Entrypoint: ["/app"] }, files: { "/app": { content: "\x7fELF", mode: 0o700 } } }, status: "pass" },
  { name: "root runs a binary with only the others' execute bit", image: { config: { Entrypoint: ["/app"], User: "0" }, files: { "/app": { content: "\x7fELF", mode: 0o601 } } }, status: "pass" },
  { name: "the owner runs a 0700 binary", image: { config: { Entrypoint: ["/app"], User: "65532" }, files: { "/app": { content: "\x7fELF", mode: 0o700, uid: 65532 } } }, status: "pass" },
  {
    name: "the group bits count for the user's gid from passwd",
    image: { config: { Entrypoint: ["/app"], User: "65532" }, files: { "/etc/passwd": passwd, "/app": { content: "\x7fELF", mode: 0o750, gid: 65532 } } },
    status: "pass",
  },
  {
    name: "a USER group other than the file's fails on the group bits",
    image: { config: { Entrypoint: ["/app"], User: "65532:100" }, files: { "/app": { content: "\x7fELF", mode: 0o750, gid: 65532 } } },
    status: "fail",
    message: /image user 65532:100 \(uid 65532, gid 100\)/,
  },
  {
    name: "a named user's supplementary groups from /etc/group count",
    image: { config: { Entrypoint: ["/app"], User: "nonroot" }, files: { "/etc/passwd": passwd, "/etc/group": "root:x:0:\napp:x:1500:nonroot\n", "/app": { content: "\x7fELF", mode: 0o750, gid: 1500 } } },
    status: "pass",
  },
  {
    name: "a directory the user may not enter fails",
    image: { config: { Entrypoint: ["/opt/app/run"], User: "65532:65532" }, files: { "/opt/app": { dir: true, mode: 0o700 }, "/opt/app/run": exe } },
    status: "fail",
    message: /\/opt\/app\/run is in \/opt\/app \(mode 0700, owner 0:0\), which the image user 65532:65532 \(uid 65532, gid 65532\) may not enter/,
  },
  {
    name: "a script the user may execute but not read fails: its interpreter reads it",
    image: { config: { Entrypoint: ["/entrypoint.sh"], User: "65532" }, files: { "/entrypoint.sh": { content: "#!/bin/sh\nexec /app\n", mode: 0o711 }, "/bin/sh": exe } },
    status: "fail",
    message: /\/entrypoint\.sh \(mode 0711, owner 0:0\) is not readable \(its interpreter reads it\)/,
  },
  {
    name: "a Windows PE entrypoint fails: Linux cannot exec it",
    image: { config: { Entrypoint: ["/app"] }, files: { "/app": windowsExe } },
    status: "fail",
    message: /^the entrypoint \/app is a Windows PE executable \(x86-64\), not a Linux ELF program, so the container fails with "exec format error": build it for the image's platform \(GOOS=linux GOARCH=amd64 go build\)$/,
  },
  { name: "a macOS Mach-O entrypoint fails", image: { config: { Entrypoint: ["/app"] }, files: { "/app": machoExe } }, status: "fail", message: /\/app is a macOS Mach-O executable \(arm64\).*exec format error/ },
  { name: "an arm64 ELF entrypoint in an amd64 image fails", image: { config: { Entrypoint: ["/app"] }, files: { "/app": elfFor(183) } }, status: "fail", message: /\/app is an ELF program for aarch64 \(arm64\), not for the image's amd64/ },
  { name: "an amd64 ELF entrypoint in an amd64 image passes", image: { config: { Entrypoint: ["/app"] }, files: { "/app": elfFor(62) } }, status: "pass" },
]);

const busybox = { "/bin/sh": { symlink: "busybox" }, "/bin/busybox": exe };

table("healthcheck", [
  { name: "no healthcheck skips", image: { config: { Entrypoint: ["/app"] } }, status: "skip" },
  { name: "NONE skips", image: { config: { Healthcheck: { Test: ["NONE"] } } }, status: "skip" },
  { name: "CMD probe present passes", image: { config: { Healthcheck: { Test: ["CMD", "/probe", "127.0.0.1:8080"] } }, files: { "/probe": exe } }, status: "pass" },
  { name: "CMD probe missing fails", image: { config: { Healthcheck: { Test: ["CMD", "/probe"] } } }, status: "fail", message: /HEALTHCHECK command \/probe does not exist/ },
  {
    name: "a probe the image user may not run fails",
    image: { config: { User: "65532:65532", Healthcheck: { Test: ["CMD", "/probe"] } }, files: { "/probe": { content: "\x7fELF", mode: 0o700 } } },
    status: "fail",
    message: /^the HEALTHCHECK command \/probe \(mode 0700, owner 0:0\) is not executable by the image user 65532:65532/,
  },
  { name: "CMD curl on scratch fails", image: { config: { Healthcheck: { Test: ["CMD", "curl", "-f", "http://localhost/"] } } }, status: "fail", message: /curl is not found/ },
  { name: "CMD-SHELL without a shell fails", image: { config: { Healthcheck: { Test: ["CMD-SHELL", "wget -q -O- localhost"] } } }, status: "fail", message: /CMD-SHELL runs through \/bin\/sh/ },
  { name: "CMD-SHELL with a shell passes", image: { config: { Healthcheck: { Test: ["CMD-SHELL", "true"] } }, files: { "/bin/sh": exe } }, status: "pass" },
  {
    name: "CMD-SHELL whose command is not in the image fails, naming it and what to do",
    image: { config: { Healthcheck: { Test: ["CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"] } }, files: busybox },
    status: "fail",
    message: /^HEALTHCHECK CMD-SHELL runs "curl -f http:\/\/localhost:8080\/healthz \|\| exit 1", and curl is not found in the image's PATH, so the check never passes: install curl in the image, or .*HEALTHCHECK CMD \["\/path\/to\/app", "-health"\]/,
  },
  {
    name: "CMD-SHELL whose commands are in the image passes, naming them",
    image: { config: { Healthcheck: { Test: ["CMD-SHELL", "wget -q -O- http://127.0.0.1:8080/ | grep -q ok || exit 1"] } }, files: { ...busybox, "/usr/bin/wget": { symlink: "/bin/busybox" }, "/bin/grep": { symlink: "busybox" } } },
    status: "pass",
    message: /and so are wget, grep \(checked: the first word of every command in the string\)/,
  },
  {
    name: "CMD-SHELL: a later command missing fails too",
    image: { config: { Healthcheck: { Test: ["CMD-SHELL", "wget -q -O- http://127.0.0.1:8080/ | grep -q ok"] } }, files: { ...busybox, "/usr/bin/wget": { symlink: "/bin/busybox" } } },
    status: "fail",
    message: /and grep is not found in the image's PATH/,
  },
  {
    name: "CMD-SHELL looks names up in the config's PATH",
    image: { config: { Env: ["PATH=/opt/bin"], Healthcheck: { Test: ["CMD-SHELL", "curl -f localhost"] } }, files: { ...busybox, "/usr/bin/curl": exe } },
    status: "fail",
    evidence: /^PATH=\/opt\/bin$/,
  },
  { name: "CMD-SHELL with curl in the default PATH passes", image: { config: { Healthcheck: { Test: ["CMD-SHELL", "curl -f localhost || exit 1"] } }, files: { ...busybox, "/usr/bin/curl": exe } }, status: "pass", message: /and so is curl/ },
  { name: "CMD-SHELL: an absolute path that is not there fails", image: { config: { Healthcheck: { Test: ["CMD-SHELL", "/probe 8080"] } }, files: busybox }, status: "fail", message: /\/probe does not exist in the image/ },
  { name: "CMD-SHELL: builtins and relative paths after cd are not looked up", image: { config: { Healthcheck: { Test: ["CMD-SHELL", "cd /srv && ./probe && test -f /tmp/ok"] } }, files: busybox }, status: "pass", message: /starts no program to look up/ },
  { name: "a flag name in a binary whose code slimgo does not read is not confirmed", image: goFlagImage(["-health"]), status: "skip", message: /flag -health could not be confirmed/ },
  {
    name: "a Go binary run with a flag whose name is nowhere in it fails",
    image: goFlagImage(["--healthcheck=true"]),
    status: "fail",
    message: /runs \/app --healthcheck=true, but the binary defines no flag healthcheck: Go's flag package exits 2/,
  },
  { name: "arguments that are not flags are not looked for", image: goFlagImage(["127.0.0.1:8080", "/healthz"]), status: "pass" },
]);

/** /app, a Go binary (no ELF sections: its code is not read) whose bytes hold "health" and "addr", run by the HEALTHCHECK with `args`. */
function goFlagImage(args: string[]): FakeImage {
  return {
    config: { Healthcheck: { Test: ["CMD", "/app", ...args] } },
    files: { "/app": { content: Buffer.concat([Buffer.from("\x7fELF"), Buffer.alloc(1024), Buffer.from("addrhealthprobe the local /healthz endpoint")]), mode: 0o755 } },
    goBinaries: [goBinary("/app")],
  };
}

table("linking", [
  { name: "no Go binaries skips", image: {}, status: "skip" },
  { name: "static binary passes", image: { goBinaries: [goBinary("/app")] }, status: "pass", message: /statically linked/ },
  {
    name: "glibc-linked binary on scratch fails",
    image: { goBinaries: [goBinary("/app", { interpreter: "/lib64/ld-linux-x86-64.so.2", needed: ["libc.so.6"] })] },
    status: "fail",
    evidence: /missing interpreter \/lib64\/ld-linux-x86-64.so.2, libc.so.6/,
  },
  {
    name: "glibc-linked binary with loader and libc in the multiarch dir passes",
    image: {
      goBinaries: [goBinary("/app", { interpreter: "/lib64/ld-linux-x86-64.so.2", needed: ["libc.so.6"] })],
      files: {
        "/lib64/ld-linux-x86-64.so.2": { symlink: "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" },
        "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2": exe,
        "/lib/x86_64-linux-gnu/libc.so.6": exe,
      },
    },
    status: "pass",
    evidence: /needs libc.so.6 → \/lib\/x86_64-linux-gnu\/libc.so.6/,
  },
  {
    name: "merged /usr: /lib is a link to usr/lib",
    image: {
      goBinaries: [goBinary("/app", { interpreter: "/lib/ld-musl-x86_64.so.1", needed: ["libc.musl-x86_64.so.1"] })],
      files: { "/lib": { symlink: "usr/lib" }, "/usr/lib/ld-musl-x86_64.so.1": exe, "/usr/lib/libc.musl-x86_64.so.1": { symlink: "ld-musl-x86_64.so.1" } },
    },
    status: "pass",
  },
  {
    name: "a needed library missing fails even when the loader is there",
    image: { goBinaries: [goBinary("/app", { interpreter: "/lib64/ld-linux-x86-64.so.2", needed: ["libc.so.6", "libsqlite3.so.0"] })], files: { "/lib64/ld-linux-x86-64.so.2": exe, "/lib64/libc.so.6": exe } },
    status: "fail",
    evidence: /missing libsqlite3.so.0/,
  },
]);

table("architecture", [
  { name: "no Go binaries skips", image: {}, status: "skip" },
  { name: "matching architecture passes", image: { goBinaries: [goBinary("/app")] }, status: "pass" },
  { name: "arm64 binary in an amd64 image fails", image: { goBinaries: [goBinary("/app", { goarch: "arm64" })] }, status: "fail", message: /exec format error/ },
  { name: "arm64 binary in an arm64 image passes", image: { platform: { os: "linux", architecture: "arm64" }, goBinaries: [goBinary("/app", { goarch: "arm64" })] }, status: "pass" },
  { name: "GOOS=darwin binary fails", image: { goBinaries: [goBinary("/app", { goos: "darwin" })] }, status: "fail" },
  { name: "a Windows PE entrypoint fails, though no Go binary is read from it", image: { config: { Entrypoint: ["/app"] }, files: { "/app": windowsExe } }, status: "fail", message: /^\/app \(windows\/amd64\) cannot run on linux\/amd64 \("exec format error"\)/ },
  { name: "a Mach-O entrypoint fails", image: { config: { Entrypoint: ["/app"] }, files: { "/app": machoExe } }, status: "fail", message: /^\/app \(darwin\/arm64\) cannot run/ },
  { name: "an arm64 C program as the entrypoint of an amd64 image fails", image: { config: { Entrypoint: ["/app"] }, files: { "/app": elfFor(183) } }, status: "fail", message: /^\/app \(linux\/arm64\) cannot run/ },
  { name: "a native C program as the entrypoint, with no Go binaries, skips", image: { config: { Entrypoint: ["/app"] }, files: { "/app": elfFor(62) } }, status: "skip" },
]);

table("non-root-user", [
  { name: "empty user is root and fails", image: {}, status: "fail", message: /runs as root/ },
  { name: "numeric uid passes without passwd", image: { config: { User: "65532:65532" } }, status: "pass", message: /uid 65532/ },
  { name: "uid 0 fails", image: { config: { User: "0" } }, status: "fail", message: /root \(uid 0\)/ },
  { name: "0:0 fails", image: { config: { User: "0:0" } }, status: "fail" },
  { name: "root by name fails", image: { config: { User: "root" }, files: { "/etc/passwd": passwd } }, status: "fail" },
  {
    name: "a name resolved through passwd fails: Kubernetes' runAsNonRoot needs the number",
    image: { config: { User: "nonroot:nonroot" }, files: { "/etc/passwd": passwd, "/etc/group": "nonroot:x:65532:\n" } },
    status: "fail",
    message: /^USER nonroot:nonroot runs as uid 65532 but names the user, .*runAsNonRoot.*: set USER 65532:nonroot$/,
    evidence: /\/etc\/passwd:2 nonroot/,
  },
  { name: "name without passwd entry fails", image: { config: { User: "app" }, files: { "/etc/passwd": passwd } }, status: "fail", message: /has no entry/ },
  { name: "name with no passwd file fails", image: { config: { User: "app" } }, status: "fail", message: /no \/etc\/passwd/ },
  {
    name: "a group name /etc/group lacks fails: runc refuses to start (unable to find group)",
    image: { config: { User: "65532:nogroup" }, files: { "/etc/passwd": passwd, "/etc/group": "root:x:0:\nnonroot:x:65532:\n" } },
    status: "fail",
    message: /^USER 65532:nogroup names group nogroup, which cannot be resolved \(\/etc\/group has no entry for it\), so the runtime refuses to start the container: give the group as a number \(USER 65532:GID\), or add it to \/etc\/group$/,
  },
  { name: "a group name with no /etc/group fails", image: { config: { User: "65532:app" } }, status: "fail", message: /names group app, which cannot be resolved \(the image has no \/etc\/group\)/ },
  { name: "a group name /etc/group lists passes", image: { config: { User: "65532:nonroot" }, files: { "/etc/group": "nonroot:x:65532:\n" } }, status: "pass" },
]);

const tlsApp = goBinary("/app", { tlsClient: true });
table("ca-certificates", [
  { name: "no TLS client skips", image: { goBinaries: [goBinary("/app")] }, status: "skip" },
  { name: "scratch without certificates fails", image: { goBinaries: [tlsApp] }, status: "fail", message: /no CA certificates/, evidence: /\/app links crypto\/tls/ },
  { name: "Debian bundle passes", image: { goBinaries: [tlsApp], files: { "/etc/ssl/certs/ca-certificates.crt": "-----BEGIN CERTIFICATE-----\n" } }, status: "pass" },
  { name: "RHEL bundle passes", image: { goBinaries: [tlsApp], files: { "/etc/pki/tls/certs/ca-bundle.crt": "-----BEGIN CERTIFICATE-----\n" } }, status: "pass" },
  { name: "empty bundle fails", image: { goBinaries: [tlsApp], files: { "/etc/ssl/certs/ca-certificates.crt": "" } }, status: "fail" },
  {
    name: "certificate links leading out of the image fail, naming the links",
    image: {
      goBinaries: [tlsApp],
      files: {
        "/etc/ssl/certs/ca-certificates.crt": { symlink: "/usr/share/ca-certificates/bundle.crt" },
        "/etc/ssl/certs/4042bcee.0": { symlink: "ISRG_Root_X1.pem" },
        "/etc/ssl/certs/ISRG_Root_X1.pem": { symlink: "/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt" },
      },
    },
    status: "fail",
    message: /no usable CA certificates/,
    evidence: /^\/etc\/ssl\/certs holds 3 links to certificates that are not in the image/,
  },
  {
    name: "a bundle link leading out of the image is named with its target",
    image: { goBinaries: [tlsApp], files: { "/etc/ssl/certs/ca-certificates.crt": { symlink: "/usr/share/ca-certificates/bundle.crt" } } },
    status: "fail",
    evidence: /^\/etc\/ssl\/certs\/ca-certificates\.crt is a link to \/usr\/share\/ca-certificates\/bundle\.crt, which is not in the image$/,
  },
  { name: "an empty bundle is named as empty", image: { goBinaries: [tlsApp], files: { "/etc/ssl/cert.pem": "" } }, status: "fail", evidence: /\/etc\/ssl\/cert\.pem is empty/ },
  { name: "certificate directory passes", image: { goBinaries: [tlsApp], files: { "/etc/ssl/certs/one.pem": "-----BEGIN CERTIFICATE-----\n" } }, status: "pass", message: /1 certificate file in \/etc\/ssl\/certs/ },
  {
    name: "SSL_CERT_FILE pointing to a file passes",
    image: { goBinaries: [tlsApp], config: { Env: ["SSL_CERT_FILE=/certs/roots.pem"] }, files: { "/certs/roots.pem": "-----BEGIN CERTIFICATE-----\n" } },
    status: "pass",
  },
  {
    name: "SSL_CERT_FILE replaces the defaults",
    image: { goBinaries: [tlsApp], config: { Env: ["SSL_CERT_FILE=/certs/missing.pem"] }, files: { "/etc/ssl/cert.pem": "-----BEGIN CERTIFICATE-----\n" } },
    status: "fail",
  },
  { name: "SSL_CERT_DIR passes", image: { goBinaries: [tlsApp], config: { Env: ["SSL_CERT_DIR=/certs"] }, files: { "/certs/a.pem": "x" } }, status: "pass" },
  { name: "embedded fallback roots skip", image: { goBinaries: [goBinary("/app", { tlsClient: true, packages: ["golang.org/x/crypto/x509roots/fallback"] })] }, status: "skip" },
]);

const zoneApp = goBinary("/app", { zoneinfo: true });
table("zoneinfo", [
  { name: "no time zone loading skips", image: { goBinaries: [goBinary("/app")] }, status: "skip" },
  { name: "no zoneinfo fails", image: { goBinaries: [zoneApp] }, status: "fail", message: /unknown time zone/ },
  { name: "/usr/share/zoneinfo passes", image: { goBinaries: [zoneApp], files: { "/usr/share/zoneinfo/Europe/Madrid": "TZif2" } }, status: "pass" },
  { name: "embedded time/tzdata passes", image: { goBinaries: [goBinary("/app", { zoneinfo: true, embeddedTzdata: true })] }, status: "pass", message: /embeds time\/tzdata/ },
  { name: "ZONEINFO zip passes", image: { goBinaries: [zoneApp], config: { Env: ["ZONEINFO=/zoneinfo.zip"] }, files: { "/zoneinfo.zip": "PK" } }, status: "pass" },
  { name: "ZONEINFO pointing nowhere fails", image: { goBinaries: [zoneApp], config: { Env: ["ZONEINFO=/zoneinfo.zip"] } }, status: "fail", evidence: /not in the image/ },
  { name: "empty zoneinfo directory fails", image: { goBinaries: [zoneApp], files: { "/usr/share/zoneinfo": { dir: true } } }, status: "fail" },
  {
    name: "a binary built without -trimpath in the Go image finds GOROOT's zoneinfo.zip",
    image: goImage({ trimpath: false, builtIn: "/usr/local/go" }),
    status: "pass",
    evidence: /\/app finds \/usr\/local\/go\/lib\/time\/zoneinfo\.zip, through the GOROOT it was built with \(no -trimpath\)/,
  },
  {
    name: "a -trimpath binary there does not look in GOROOT (runtime.GOROOT() is empty)",
    image: goImage({ trimpath: true, builtIn: "/usr/local/go" }),
    status: "fail",
    message: /\/usr\/local\/go\/lib\/time\/zoneinfo\.zip is in the image, but only a binary built without -trimpath.*ENV ZONEINFO=\/usr\/local\/go\/lib\/time\/zoneinfo\.zip/,
  },
  { name: "a binary built under another GOROOT does not find this one's zip", image: goImage({ trimpath: false, builtIn: "/usr/lib/go-1.19" }), status: "fail" },
  { name: "GOROOT set in the image serves a -trimpath binary", image: goImage({ trimpath: true, builtIn: "/usr/local/go", env: ["GOROOT=/usr/local/go"] }), status: "pass", evidence: /GOROOT=\/usr\/local\/go, which has lib\/time\/zoneinfo\.zip/ },
]);

/** A golang-like image: a Go installation at /usr/local/go with its zoneinfo.zip, and /app built under `builtIn` (its function table's file names say so). */
function goImage(o: { trimpath: boolean; builtIn: string; env?: string[] }): FakeImage {
  const app = goBinary("/app", { zoneinfo: true });
  app.info.buildInfo!.known.trimpath = o.trimpath;
  const fileNames = o.trimpath ? "runtime/proc.go\0time/zoneinfo_read.go\0" : `${o.builtIn}/src/runtime/proc.go\0${o.builtIn}/src/time/zoneinfo_read.go\0`;
  return {
    goBinaries: [app],
    ...(o.env ? { config: { Env: o.env } } : {}),
    files: {
      "/app": { content: Buffer.concat([Buffer.from("\x7fELF"), Buffer.alloc(4096), Buffer.from(fileNames)]), mode: 0o755 },
      "/usr/local/go/src/runtime/proc.go": "package runtime\n",
      "/usr/local/go/pkg/tool/linux_amd64/compile": { content: "\x7fELF", mode: 0o755 },
      "/usr/local/go/lib/time/zoneinfo.zip": "PK\x03\x04",
    },
  };
}

const tmpApp = goBinary("/app", { tempFiles: true });
table("writable-tmp", [
  { name: "no temp files skips", image: { goBinaries: [goBinary("/app")] }, status: "skip" },
  { name: "missing /tmp fails", image: { goBinaries: [tmpApp], config: { User: "65532" } }, status: "fail", message: /\/tmp does not exist/ },
  { name: "/tmp 1777 passes", image: { goBinaries: [tmpApp], config: { User: "65532" }, files: { "/tmp": { dir: true, mode: 0o1777 } } }, status: "pass" },
  { name: "/tmp 0755 root-owned fails for a non-root user", image: { goBinaries: [tmpApp], config: { User: "65532" }, files: { "/tmp": { dir: true, mode: 0o755 } } }, status: "fail", message: /not writable/ },
  { name: "/tmp owned by the image user passes", image: { goBinaries: [tmpApp], config: { User: "65532" }, files: { "/tmp": { dir: true, mode: 0o700, uid: 65532 } } }, status: "pass" },
  { name: "TMPDIR to a writable dir passes", image: { goBinaries: [tmpApp], config: { User: "65532", Env: ["TMPDIR=/scratch"] }, files: { "/scratch": { dir: true, mode: 0o1777 } } }, status: "pass" },
  { name: "/tmp as a file fails", image: { goBinaries: [tmpApp], config: { User: "65532" }, files: { "/tmp": "x" } }, status: "fail" },
]);

const userApp = goBinary("/app", { osUser: true });
table("passwd-entry", [
  { name: "no os/user skips", image: { goBinaries: [goBinary("/app")] }, status: "skip" },
  { name: "no /etc/passwd fails", image: { goBinaries: [userApp], config: { User: "65532" } }, status: "fail", message: /^the image has no \/etc\/passwd, so user\.Current\(\) fails with "user: Current requires cgo or \$USER set in environment" unless the container sets \$USER: COPY an \/etc\/passwd/ },
  { name: "uid without entry fails", image: { goBinaries: [userApp], config: { User: "1000" }, files: { "/etc/passwd": passwd } }, status: "fail", message: /no entry for uid 1000, so user\.Current\(\) fails with "user: Current requires cgo or \$USER set in environment"/ },
  { name: "uid with entry passes", image: { goBinaries: [userApp], config: { User: "65532:65532" }, files: { "/etc/passwd": passwd } }, status: "pass" },
]);

table("no-toolchain", [
  { name: "a clean image passes", image: { files: { "/app": exe } }, status: "pass" },
  { name: "GOROOT tree fails", image: { files: { "/usr/local/go/pkg/tool/linux_amd64/compile": exe, "/usr/local/go/src/runtime/proc.go": "package runtime" } }, status: "fail", evidence: /Go installation at \/usr\/local\/go/ },
  { name: "the go command fails", image: { goBinaries: [goBinary("/go/bin/go", { mainPath: "cmd/go" })] }, status: "fail", message: /Go toolchain/ },
  { name: "build cache fails", image: { files: { "/root/.cache/go-build/ab/abcdef-d": "x" } }, status: "fail", evidence: /\/root\/.cache\/go-build: 1 cached files/ },
  { name: "empty cache mount point passes", image: { files: { "/root/.cache/go-build": { dir: true } } }, status: "pass" },
  { name: "module cache fails", image: { files: { "/go/pkg/mod/cache/download/x/@v/list": "v1" } }, status: "fail", evidence: /\/go\/pkg\/mod/ },
  { name: "go.mod fails", image: { files: { "/src/go.mod": "module x", "/src/main.go": "package main" } }, status: "fail", evidence: /module file \/src\/go.mod/ },
  { name: "a few .go files pass", image: { files: { "/data/a.go": "x", "/data/b.go": "y" } }, status: "pass" },
  {
    name: "a source tree fails",
    image: { files: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`/app/pkg/f${i}.go`, "package pkg"])) },
    status: "fail",
    evidence: /12 .go files/,
  },
]);

table("no-secret-files", [
  { name: "a clean image passes", image: { files: { "/app": exe, "/etc/ssl/certs/ca-certificates.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" } }, status: "pass" },
  { name: ".env fails", image: { files: { "/app/.env": "DB_PASSWORD=hunter2" } }, status: "fail", evidence: /\.env file: \/app\/.env/ },
  { name: ".env.production fails", image: { files: { "/app/.env.production": "A=1" } }, status: "fail" },
  { name: ".env.example passes", image: { files: { "/app/.env.example": "A=" } }, status: "pass" },
  { name: ".git directory fails", image: { files: { "/src/.git": { dir: true }, "/src/.git/HEAD": "ref: refs/heads/main" } }, status: "fail", evidence: /git repository: \/src\/.git/ },
  {
    name: "PEM private key under any name fails",
    image: { files: { "/etc/app/tls.dat": "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAtest\n-----END RSA PRIVATE KEY-----\n" } },
    status: "fail",
    evidence: /private key: \/etc\/app\/tls.dat/,
  },
  { name: "OpenSSH id_ed25519 fails", image: { files: { "/root/.ssh/id_ed25519": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n" } }, status: "fail" },
  { name: "public key passes", image: { files: { "/root/.ssh/id_ed25519.pub": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB test@example.com\n" } }, status: "pass" },
  { name: "docker config with auth fails", image: { files: { "/root/.docker/config.json": '{"auths":{"ghcr.io":{"auth":"dXNlcjpwYXNz"}}}' } }, status: "fail", evidence: /registry credentials/ },
  { name: "docker config without credentials passes", image: { files: { "/root/.docker/config.json": '{"auths":{}}' } }, status: "pass" },
  { name: ".npmrc with a token fails", image: { files: { "/app/.npmrc": "//registry.npmjs.org/:_authToken=npm_abc\n" } }, status: "fail" },
  { name: ".npmrc without a token passes", image: { files: { "/app/.npmrc": "registry=https://registry.npmjs.org/\n" } }, status: "pass" },
  { name: ".aws/credentials fails", image: { files: { "/root/.aws/credentials": "[default]\naws_access_key_id = AKIA\naws_secret_access_key = abc\n" } }, status: "fail" },
  { name: ".netrc with a password fails", image: { files: { "/root/.netrc": "machine github.com login x password y\n" } }, status: "fail" },
]);

table("no-secrets-in-config", [
  { name: "plain env passes", image: { config: { Env: ["PATH=/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt", "PORT=8080"] } }, status: "pass" },
  { name: "API token in env fails, masked", image: { config: { Env: ["GITHUB_TOKEN=ghp_supersecretvalue"] } }, status: "fail", evidence: /^Env GITHUB_TOKEN=\*\*\*\*$/ },
  { name: "empty secret-looking env passes", image: { config: { Env: ["DB_PASSWORD="] } }, status: "pass" },
  { name: "public key name passes", image: { config: { Env: ["PUBLIC_KEY=abc"] } }, status: "pass" },
  { name: "label with a secret fails", image: { config: { Labels: { "org.example.api-token": "abc" } } }, status: "fail", evidence: /Label org.example.api-token=\*\*\*\*/ },
  { name: "ordinary labels pass", image: { config: { Labels: { "org.opencontainers.image.source": "https://example.com" } } }, status: "pass" },
  { name: "build arg in history fails", image: { history: [{ created_by: "|1 NPM_TOKEN=abc123 /bin/sh -c npm ci" }] }, status: "fail", evidence: /history\[0\] NPM_TOKEN=\*\*\*\*/ },
  { name: "ENV in history fails", image: { history: [{ created_by: '/bin/sh -c #(nop) ENV AWS_SECRET_ACCESS_KEY="abc"' }] }, status: "fail" },
  { name: "ordinary build args pass", image: { history: [{ created_by: "|2 TARGETOS=linux TARGETARCH=amd64 /bin/sh -c go build" }, { created_by: "RUN --mount=type=secret,id=token make" }] }, status: "pass" },
]);

table("max-size", [
  { name: "no budget skips", image: {}, status: "skip" },
  { name: "within budget passes", image: { files: { "/app": { content: "x", size: 1000 } } }, options: { maxSize: 2000 }, status: "pass" },
  { name: "over budget fails (uncompressed)", image: { files: { "/app": { content: "x", size: 3000 } } }, options: { maxSize: 2000 }, status: "fail", evidence: /uncompressed size 3000 bytes/ },
  { name: "compressed size is preferred", image: { files: { "/app": { content: "x", size: 3000 } }, compressedSize: 1500 }, options: { maxSize: 2000 }, status: "pass", message: /compressed/ },
  {
    name: "layers stored as plain tar (podman save) are not called compressed",
    image: { files: { "/app": { content: "x", size: 3000 } }, compressedSize: 3100, layersCompressed: false },
    options: { maxSize: 2000 },
    status: "fail",
    message: /^the image is 3\.03 KiB as stored \(uncompressed layers\), over the 1\.95 KiB budget/,
  },
]);

table("no-shell", [
  { name: "not requested skips", image: { files: { "/bin/sh": exe } }, status: "skip" },
  { name: "busybox sh fails", image: { files: { "/bin/sh": { symlink: "busybox" }, "/bin/busybox": exe } }, options: { noShell: true }, status: "fail" },
  { name: "scratch passes", image: { files: { "/app": exe } }, options: { noShell: true }, status: "pass" },
]);

table("no-package-manager", [
  { name: "not requested skips", image: {}, status: "skip" },
  { name: "apk fails", image: { files: { "/sbin/apk": exe } }, options: { noPackageManager: true }, status: "fail", message: /\/sbin\/apk/ },
  { name: "dpkg fails", image: { files: { "/usr/bin/dpkg": exe } }, options: { noPackageManager: true }, status: "fail" },
  { name: "scratch passes", image: { files: { "/app": exe } }, options: { noPackageManager: true }, status: "pass" },
]);

const script = (text: string) => ({ content: text, mode: 0o755 });
const busyboxSh = { "/bin/sh": { symlink: "busybox" }, "/bin/busybox": exe };
const dashSh = { "/bin/sh": { symlink: "dash" }, "/usr/bin/dash": exe, "/bin/dash": { symlink: "/usr/bin/dash" } };
const withoutExec = script("#!/bin/sh\nset -e\necho starting\n/app\n");
const withExec = script("#!/bin/sh\nset -e\necho starting\nexec /app\n");
const go = { goBinaries: [goBinary("/app")] };

table("signals", [
  { name: "a Windows PE entrypoint skips: it never starts (SV001 fails it)", image: { config: { Entrypoint: ["/app"] }, files: { "/app": windowsExe } }, status: "skip", message: /^\/app cannot start: \/app is a Windows PE executable.*\(see SV001\)$/ },
  {
    name: "a script whose shell is not in the image skips, though it ends in exec: it never starts",
    image: { ...go, config: { Entrypoint: ["/entrypoint.sh"] }, files: { "/entrypoint.sh": script("#!/bin/sh\nexec /app\n"), "/app": exe } },
    status: "skip",
    message: /^\/entrypoint\.sh cannot start: \/entrypoint\.sh is a script whose interpreter \/bin\/sh is not in the image \(see SV001\)$/,
  },
  { name: "a Go binary as the entrypoint passes: it is PID 1", image: { ...go, config: { Entrypoint: ["/app"] }, files: { "/app": exe } }, status: "pass", message: /\/app is a Go binary and is PID 1/ },
  { name: "any ELF program passes, found through PATH and links", image: { config: { Cmd: ["server"], Env: ["PATH=/usr/bin"] }, files: { "/usr/bin/server": { symlink: "/opt/server" }, "/opt/server": exe } }, status: "pass", message: /\/opt\/server is an ELF program/, evidence: /\/usr\/bin\/server → \/opt\/server/ },
  {
    name: "a script that runs the service without exec fails, naming its line",
    image: { config: { Entrypoint: ["/docker-entrypoint.sh"] }, files: { ...busyboxSh, "/docker-entrypoint.sh": withoutExec, "/app": exe } },
    status: "fail",
    message: /^\/docker-entrypoint\.sh:4 runs "\/app" as a child of the shell, which stays PID 1 and does not pass SIGTERM on: podman\/docker stop waits 10 s and then kills it; start it with exec: "exec \/app"$/,
  },
  {
    name: "a script saved with CRLF line endings skips, though it ends in exec: it never starts",
    image: { ...go, config: { Entrypoint: ["/docker-entrypoint.sh"] }, files: { ...busyboxSh, "/docker-entrypoint.sh": script("#!/bin/sh\r\nexec /app\r\n"), "/app": exe } },
    status: "skip",
    message: /cannot start: .*CRLF/,
  },
  { name: "a script that ends in exec passes, following what it execs", image: { ...go, config: { Entrypoint: ["/docker-entrypoint.sh"] }, files: { ...busyboxSh, "/docker-entrypoint.sh": withExec, "/app": exe } }, status: "pass", message: /\/app is a Go binary/, evidence: /ends in exec/ },
  {
    name: 'exec "$@" follows the CMD, a script without exec there fails',
    image: { config: { Entrypoint: ["/entry.sh"], Cmd: ["/run.sh", "serve"] }, files: { ...busyboxSh, "/entry.sh": script('#!/bin/sh\nexec "$@"\n'), "/run.sh": script("#!/bin/sh\n/app \"$1\"\n"), "/app": exe } },
    status: "fail",
    message: /^\/run\.sh:2 runs '\/app "\$1"' as a child of the shell/,
  },
  { name: "a script given to sh as its operand, without exec, fails", image: { config: { Entrypoint: ["sh", "-e", "/docker-entrypoint.sh"] }, files: { ...busyboxSh, "/docker-entrypoint.sh": { content: "/app serve\n" }, "/app": exe } }, status: "fail", message: /\/docker-entrypoint\.sh:1 runs "\/app serve"/ },
  { name: "a script ending in an if block skips", image: { config: { Entrypoint: ["/e.sh"] }, files: { ...busyboxSh, "/e.sh": script('#!/bin/sh\nif [ "$1" = serve ]; then\n  /app\nfi\n'), "/app": exe } }, status: "skip", message: /cannot tell/ },
  { name: "a script that traps TERM skips", image: { config: { Entrypoint: ["/e.sh"] }, files: { ...busyboxSh, "/e.sh": script("#!/bin/sh\ntrap 'kill $pid' TERM\n/app\n"), "/app": exe } }, status: "skip" },
  { name: "a zsh script skips", image: { config: { Entrypoint: ["/e.zsh"] }, files: { "/bin/zsh": exe, "/e.zsh": script("#!/bin/zsh\n/app\n"), "/app": exe } }, status: "skip", message: /runs under zsh/ },
  { name: "shell form, one command, busybox ash execs it", image: { ...go, config: { Entrypoint: ["/bin/sh", "-c", "/app --port 8080"] }, files: { ...busyboxSh, "/app": exe } }, status: "pass", message: /\/app is a Go binary/, evidence: /\/bin\/sh → busybox/ },
  { name: "shell form, a list: busybox ash execs its last command", image: { ...go, config: { Entrypoint: ["/bin/sh", "-c", "echo starting; /app"] }, files: { ...busyboxSh, "/app": exe } }, status: "pass" },
  {
    name: "shell form ending in a pipeline fails: sh stays PID 1",
    image: { config: { Entrypoint: ["/bin/sh", "-c", "/app | tee /tmp/log"] }, files: { ...busyboxSh, "/app": exe } },
    status: "fail",
    message: /^sh stays PID 1 running "\/app \| tee \/tmp\/log" \(the string ends in a pipeline\), so the program never gets SIGTERM.*: use exec form or start it with exec/,
  },
  { name: "shell form ending in a background job fails", image: { config: { Entrypoint: ["/bin/sh", "-c", "/app & wait"] }, files: { ...busyboxSh, "/app": exe } }, status: "fail", message: /ends with wait/ },
  { name: "shell form on dash fails even for one command", image: { config: { Entrypoint: ["/bin/sh", "-c", "/app"] }, files: { ...dashSh, "/app": exe } }, status: "fail", message: /dash forks/ },
  { name: "shell form on dash whose last command is exec passes", image: { ...go, config: { Entrypoint: ["/bin/sh", "-c", "cd /srv && exec /app"] }, files: { ...dashSh, "/app": exe } }, status: "pass" },
  { name: "bash -c with a list skips: it depends on the bash version", image: { config: { Entrypoint: ["bash", "-c", "cd /srv; /app"] }, files: { "/bin/bash": exe, "/app": exe } }, status: "skip", message: /bash 5\.1/ },
  { name: "bash -c with one command passes", image: { config: { Entrypoint: ["bash", "-c", "/app"] }, files: { "/bin/bash": exe, "/app": exe } }, status: "pass" },
  { name: "shell form without a shell in the image skips (SV001 fails it)", image: { config: { Entrypoint: ["/bin/sh", "-c", "/app"] }, files: { "/app": exe } }, status: "skip" },
  {
    name: "tini -g in front of a script without exec fails: the shell dies of SIGTERM at once and tini exits with it",
    image: { config: { Entrypoint: ["/sbin/tini", "-g", "--", "/docker-entrypoint.sh"] }, files: { ...busyboxSh, "/sbin/tini": exe, "/docker-entrypoint.sh": withoutExec, "/app": exe } },
    status: "fail",
    message: /^\/docker-entrypoint\.sh:4 runs "\/app" as a child of the shell, tini passes SIGTERM to the whole group, but the shell dies of it at once, tini exits with it.*start it with exec: "exec \/app"$/,
    evidence: /tini passes signals to the whole process group/,
  },
  { name: "catatonit -g in front of a script that execs passes", image: { ...go, config: { Entrypoint: ["/catatonit", "-g", "--"], Cmd: ["/docker-entrypoint.sh"] }, files: { ...busyboxSh, "/catatonit": exe, "/docker-entrypoint.sh": withExec, "/app": exe } }, status: "pass", message: /\/app is a Go binary and catatonit passes SIGTERM on to it/ },
  { name: "dumb-init (signals the group by default) in front of sh -c that forks fails", image: { config: { Entrypoint: ["dumb-init", "--", "/bin/sh", "-c", "/app | cat"] }, files: { ...busyboxSh, "/usr/bin/dumb-init": exe, "/app": exe } }, status: "fail", message: /dumb-init passes SIGTERM to the whole group, but sh dies of it at once/ },
  {
    name: "catatonit without -g in front of a script without exec fails",
    image: { config: { Entrypoint: ["/catatonit", "--", "/docker-entrypoint.sh"] }, files: { ...busyboxSh, "/catatonit": exe, "/docker-entrypoint.sh": withoutExec, "/app": exe } },
    status: "fail",
    message: /^\/docker-entrypoint\.sh:4 runs "\/app" as a child of the shell, catatonit passes SIGTERM only to the shell, which exits, and the service is killed with the container without it: start it with exec: "exec \/app"$/,
  },
  {
    name: "catatonit without -g in front of sh -c that forks fails, naming the init",
    image: { config: { Entrypoint: ["/catatonit", "--", "/bin/sh", "-c", "/app | cat"] }, files: { ...busyboxSh, "/catatonit": exe, "/app": exe } },
    status: "fail",
    message: /^sh stays catatonit's child running "\/app \| cat" \(the string ends in a pipeline\): catatonit passes SIGTERM only to sh/,
    evidence: /\/bin\/sh → busybox/,
  },
  { name: "catatonit without -g in front of sh -c that execs passes", image: { ...go, config: { Entrypoint: ["/catatonit", "--", "/bin/sh", "-c", "/app"] }, files: { ...busyboxSh, "/catatonit": exe, "/app": exe } }, status: "pass", message: /catatonit passes SIGTERM on to it/ },
  { name: "tini without -g in front of the binary passes", image: { ...go, config: { Entrypoint: ["tini", "--", "/app"] }, files: { "/usr/bin/tini": exe, "/app": exe } }, status: "pass", message: /tini passes SIGTERM on to it/ },
  { name: "tini with TINI_KILL_PROCESS_GROUP signals the group", image: { config: { Entrypoint: ["tini", "--", "/app"], Env: ["TINI_KILL_PROCESS_GROUP=1"] }, files: { "/usr/bin/tini": exe, "/app": exe } }, status: "pass", evidence: /tini passes signals to the whole process group/ },
  { name: "a python script skips", image: { config: { Entrypoint: ["/run.py"] }, files: { "/usr/bin/env": exe, "/usr/bin/python3": exe, "/run.py": script("#!/usr/bin/env python3\nimport subprocess\n") } }, status: "skip", message: /python3/ },
  { name: "python run directly skips: an interpreter", image: { config: { Cmd: ["python3", "/srv/app.py"] }, files: { "/usr/bin/python3": exe } }, status: "skip", message: /interpreter/ },
  { name: "a supervisor skips", image: { config: { Entrypoint: ["/usr/bin/supervisord", "-c", "/etc/supervisord.conf"] }, files: { "/usr/bin/supervisord": exe } }, status: "skip", message: /supervisord/ },
  { name: "no entrypoint skips", image: {}, status: "skip" },
]);
