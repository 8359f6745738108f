/**
 * SV016 signals against what really happens: images from the alpine stand-in (whose /bin/sh is
 * busybox ash, as alpine's is) that start a Go program saying "graceful" on SIGTERM in different
 * ways. For each, `slimgo verify podman:TAG --format json` gives SV016's verdict; then the container
 * starts, and `podman stop -t 3` shows whether SIGTERM reached the program. SV016 passes exactly
 * when the program shut down gracefully, and fails exactly when it did not.
 */
import assert from "node:assert/strict";
import { chmod, copyFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runSlimgo } from "../support/cli.js";
import { buildGracefulService, waitForLog } from "../support/graceful-service.js";
import { podmanBuild, removeImages, removeStartedContainers, runContainer } from "../support/podman.js";
import { ensureStandInImages } from "../support/standins.js";
import { tempDirs } from "../support/temp-dirs.js";
import { skipContainers } from "../support/tools.js";

const WITHOUT_EXEC = "#!/bin/sh\nset -e\necho starting\n/app\n";
const WITH_EXEC = "#!/bin/sh\nset -e\necho starting\nexec /app\n";
const EXEC_ARGS = '#!/bin/sh\necho starting\nexec "$@"\n';

const variants: { name: string; lines: string; status: "pass" | "fail" }[] = [
  { name: "binary", lines: 'ENTRYPOINT ["/app"]', status: "pass" },
  { name: "script-without-exec", lines: 'ENTRYPOINT ["/without-exec.sh"]', status: "fail" },
  { name: "script-with-exec", lines: 'ENTRYPOINT ["/with-exec.sh"]', status: "pass" },
  { name: "sh-runs-script-without-exec", lines: 'ENTRYPOINT ["sh", "-e", "/without-exec.sh"]', status: "fail" },
  { name: "exec-args-to-binary", lines: 'ENTRYPOINT ["/exec-args.sh"]\nCMD ["/app"]', status: "pass" },
  { name: "exec-args-to-script-without-exec", lines: 'ENTRYPOINT ["/exec-args.sh"]\nCMD ["/without-exec.sh"]', status: "fail" },
  // Shell form: busybox ash execs the last command of the string, also after `;` and `&&`.
  { name: "shell-form", lines: "ENTRYPOINT /app", status: "pass" },
  { name: "shell-form-list", lines: "ENTRYPOINT echo starting; /app", status: "pass" },
  { name: "shell-form-and-list", lines: "ENTRYPOINT cd / && /app", status: "pass" },
  { name: "shell-form-pipeline", lines: "ENTRYPOINT /app | cat", status: "fail" },
  { name: "shell-form-background-wait", lines: "ENTRYPOINT /app & wait", status: "fail" },
  { name: "sh-c-exec-last", lines: 'ENTRYPOINT ["sh", "-c", "echo starting | cat; exec /app"]', status: "pass" },
  // catatonit, podman's own init, from the host: -g signals the process group, without it only its child.
  // Either way a shell between it and the program dies of SIGTERM at once, and catatonit exits with it.
  { name: "catatonit-script-without-exec", lines: 'ENTRYPOINT ["/catatonit", "--", "/without-exec.sh"]', status: "fail" },
  { name: "catatonit-g-script-without-exec", lines: 'ENTRYPOINT ["/catatonit", "-g", "--", "/without-exec.sh"]', status: "fail" },
  { name: "catatonit-g-script-with-exec", lines: 'ENTRYPOINT ["/catatonit", "-g", "--", "/with-exec.sh"]', status: "pass" },
  { name: "catatonit-binary", lines: 'ENTRYPOINT ["/catatonit", "--", "/app"]', status: "pass" },
  { name: "catatonit-sh-c-pipeline", lines: 'ENTRYPOINT ["/catatonit", "--", "/bin/sh", "-c", "/app | cat"]', status: "fail" },
];

describe("SV016 signals agrees with podman stop", { skip: skipContainers(), concurrency: 1 }, () => {
  const dirs = tempDirs();
  const images: string[] = [];
  const run = `${process.pid}-${Date.now().toString(36)}`;
  let context = "";
  before(async () => {
    await ensureStandInImages();
    context = await dirs.make("slimgo-sv016-");
    await buildGracefulService(context);
    await copyFile("/usr/bin/catatonit", join(context, "catatonit"));
    for (const [name, text] of [["without-exec.sh", WITHOUT_EXEC], ["with-exec.sh", WITH_EXEC], ["exec-args.sh", EXEC_ARGS]] as const) {
      await writeFile(join(context, name), text);
      await chmod(join(context, name), 0o755);
    }
    await writeFile(join(context, ".dockerignore"), "main.go\n");
  });
  after(async () => {
    await removeStartedContainers();
    await removeImages(...images);
  });

  for (const v of variants) {
    test(`${v.name}: SV016 ${v.status === "pass" ? "passes" : "fails"}, and the program ${v.status === "pass" ? "shuts down gracefully" : "never sees SIGTERM"}`, async () => {
      const tag = `localhost/slimgo-test/sv016-${v.name}:${run}`;
      images.push(tag);
      const dockerfile = join(context, `Dockerfile.${v.name}`);
      await writeFile(dockerfile, `FROM alpine:3.20\nCOPY app catatonit *.sh /\nUSER 65532:65532\n${v.lines}\n`);
      await podmanBuild({ context, dockerfile, tag, noCache: true });

      const verify = await runSlimgo(["verify", `podman:${tag}`, "--format", "json"]);
      const doc = JSON.parse(verify.stdout) as { reports: { checks: { id: string; status: string; message: string; evidence: string[] }[] }[] };
      const sv016 = doc.reports[0]!.checks.find((c) => c.id === "SV016");
      assert.ok(sv016, verify.stdout + verify.stderr);
      const shown = `${sv016.status}: ${sv016.message}\n  ${sv016.evidence.join("\n  ")}`;

      const container = await runContainer({ image: tag });
      let logs: string;
      try {
        await waitForLog(container, "ready");
        await container.stop(3);
        logs = await container.logs();
      } finally {
        await container.remove();
      }
      const graceful = /graceful/.test(logs);
      assert.equal(sv016.status === "pass", graceful, `SV016 ${shown}\nbut the program ${graceful ? "did" : "did not"} shut down gracefully:\n${logs}`);
      assert.equal(sv016.status, v.status, shown);
    });
  }
});
