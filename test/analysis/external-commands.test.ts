import { test } from "node:test";
import assert from "node:assert/strict";
import { scanGoSource } from "../../src/analysis/go-source.js";
import { externalCommands } from "../../src/analysis/external-commands.js";
import { planDockerfile } from "../../src/dockerfile/plan.js";
import { mainPackage, moduleAnalysis } from "../support/analysis.js";

const program = (body: string, imports = ['"context"', '"os"', '"os/exec"', '"syscall"']) => `package main\n\nimport (\n${imports.map((i) => `\t${i}`).join("\n")}\n)\n\nfunc main() {\n${body}\n}\n`;
const found = (body: string, imports?: string[]) => externalCommands([scanGoSource("main.go", program(body, imports))]).map((c) => `${c.name} ${c.call} @ ${c.evidence.line}`);

test("programs started by a name written in the source, once each, with the call and line", () => {
  assert.deepEqual(found('\t_ = exec.Command("ffmpeg", "-version").Run()'), ["ffmpeg exec.Command @ 11"]);
  assert.deepEqual(found('\t_ = exec.CommandContext(context.Background(), "/usr/bin/git", "status").Run()\n\t_, _ = exec.LookPath("git")'), ["/usr/bin/git exec.CommandContext @ 11", "git exec.LookPath @ 12"]);
  assert.deepEqual(found('\t_ = syscall.Exec("/bin/sh", nil, nil)\n\t_, _ = os.StartProcess("/bin/sh", nil, nil)'), ["/bin/sh syscall.Exec @ 11"]);
  assert.deepEqual(found('\tx := exec.Command\n\t_ = x\n\t_ = exec.Command("ffmpeg").Run()\n\t_ = exec.Command("ffmpeg", "-i").Run()'), ["ffmpeg exec.Command @ 13"]);
});

test("not a program name the source says: a variable, an import under another name that is not os/exec", () => {
  assert.deepEqual(found('\tname := os.Args[1]\n\t_ = exec.Command(name).Run()'), []);
  assert.deepEqual(found('\t_ = exec.Command("ffmpeg")', ['exec "example.com/notexec"']), []);
});

test("init warns about each program its runtime lacks: every one on scratch, what busybox and debian lack on alpine and debian", () => {
  const ev = (line: number) => ({ file: "main.go", line });
  const main = mainPackage(".", "app", { externalCommands: [{ name: "ffmpeg", call: "exec.Command", evidence: ev(10) }, { name: "/bin/sh", call: "exec.Command", evidence: ev(12) }] });
  const scratch = planDockerfile(moduleAnalysis([main]), { hasGoSum: false }).warnings;
  assert.deepEqual(scratch, [
    "/src/app/main.go:10: app runs ffmpeg (exec.Command), which scratch does not have, so the call fails at run time: use --runtime debian or --runtime alpine and install it in the runtime stage",
    "/src/app/main.go:12: app runs /bin/sh (exec.Command), which scratch does not have, so the call fails at run time: use --runtime debian or --runtime alpine and install it in the runtime stage",
  ]);
  const alpine = planDockerfile(moduleAnalysis([main]), { hasGoSum: false, runtime: "alpine" }).warnings;
  assert.equal(alpine.length, 1, alpine.join("\n"));
  assert.match(alpine[0]!, /^\/src\/app\/main\.go:10: app runs ffmpeg \(exec\.Command\), which alpine:[\d.]+ has only if the runtime stage installs it: add it there \(apk add --no-cache\)/);
});
