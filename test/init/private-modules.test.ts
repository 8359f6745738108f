/**
 * A module that requires a private module, served only by an authenticated proxy (HTTPS on
 * 127.0.0.1, basic auth, 401 otherwise): `slimgo init` run with the developer's GOPROXY/GONOSUMDB
 * writes a Dockerfile that podman builds with `--secret id=netrc,...` as its GitLab pipeline passes it, fails to build without it
 * (go's 401), and whose image holds neither the netrc nor the password.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { FIXTURES, copyModule, runSlimgo } from "../support/cli.js";
import { startModuleProxy, type ModuleProxy } from "../support/module-proxy.js";
import { ULIMIT_FLAGS, podman, removeImages, runTool } from "../support/podman.js";
import { ensureStandInImages } from "../support/standins.js";
import { tempDirs } from "../support/temp-dirs.js";
import { skipContainers, skipUnless } from "../support/tools.js";

const USER = "gopher";
const PASSWORD = "pr1vate-proxy-pw-7c2e";
/** The private module the fixture `private-module` requires; its go.sum holds these files' hashes. */
const PRIVATE_LIB = {
  path: "example.test/private/lib",
  version: "v1.0.0",
  files: {
    "go.mod": "module example.test/private/lib\n\ngo 1.19\n",
    "lib.go": '// Package lib is served only by the private test proxy.\npackage lib\n\n// Greeting says hello to name.\nfunc Greeting(name string) string { return "hello from the private module, " + name }\n',
  },
};

describe("private modules through an authenticated proxy", { skip: skipContainers() || skipUnless("zip", "openssl"), concurrency: 1 }, () => {
  const temp = tempDirs();
  const images: string[] = [];
  let work = "";
  let proxy: ModuleProxy;
  let netrc = "";
  /** The settings a team's developer has: the company proxy, and no checksum database for its modules. */
  let developerEnv: Record<string, string> = {};
  /** A Go builder stand-in that trusts the proxy's certificate (as a company builder trusts its CA), tagged golang:<GO_VERSION>-alpine. */
  const builderVersion = `1.19-slimgo-private-${process.pid}`;

  before(async () => {
    await ensureStandInImages();
    work = await temp.make("slimgo-private-");
    proxy = await startModuleProxy({ modules: [PRIVATE_LIB], user: USER, password: PASSWORD, dir: work });
    netrc = join(work, "netrc");
    await writeFile(netrc, `machine 127.0.0.1\nlogin ${USER}\npassword ${PASSWORD}\n`, { mode: 0o600 });
    developerEnv = { GOPROXY: proxy.url, GONOSUMDB: "example.test/private" };

    // The stand-in sets GOPROXY=off for offline tests, and buildah gives an image's ENV precedence
    // over a Dockerfile ARG (BuildKit does not), so the derived builder drops it: the ARG must decide.
    const context = join(work, "builder");
    await mkdir(context);
    await writeFile(join(context, "proxy-cert.pem"), await readFile(proxy.certFile));
    await writeFile(join(context, "Dockerfile"), "FROM golang:1.19-alpine\nCOPY proxy-cert.pem /etc/ssl/certs/private-proxy.pem\nENV SSL_CERT_FILE=/etc/ssl/certs/private-proxy.pem\n");
    const tag = `docker.io/library/golang:${builderVersion}-alpine`;
    images.push(tag);
    await podman(["build", "--isolation", "chroot", ...ULIMIT_FLAGS, "--layers=false", "--unsetenv", "GOPROXY", "-t", tag, context]);
  });

  after(async () => {
    await proxy?.close();
    await removeImages(...images);
  });

  test("the host's go fetches the module through the proxy with the netrc, and computes the fixture's go.sum", async () => {
    const dir = await copyModule("private-module");
    temp.track(dir);
    await rm(join(dir, "go.sum"));
    const modcache = join(work, "host-modcache");
    const env = { ...developerEnv, NETRC: netrc, SSL_CERT_FILE: proxy.certFile, GOMODCACHE: modcache, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" };
    try {
      const denied = await runTool("go", ["mod", "tidy"], { cwd: dir, env: { ...env, NETRC: join(work, "no-netrc") }, allowFailure: true });
      assert.notEqual(denied.code, 0);
      assert.match(denied.stderr, /401 Unauthorized/, "without credentials the proxy refuses");
      await runTool("go", ["mod", "tidy"], { cwd: dir, env });
      assert.equal(await readFile(join(dir, "go.sum"), "utf8"), await readFile(join(FIXTURES, "private-module/go.sum"), "utf8"), "test/fixtures/private-module/go.sum matches PRIVATE_LIB");
    } finally {
      await runTool("go", ["clean", "-modcache"], { env: { GOMODCACHE: modcache }, allowFailure: true });
    }
  });

  test("the Dockerfile builds with the netrc secret as the GitLab pipeline passes it, fails with go's 401 without it, and the image holds no credentials", async () => {
    const dir = await copyModule("private-module");
    temp.track(dir);
    const init = await runSlimgo(["init", "--compose", "--ci", "gitlab", dir], { env: developerEnv });
    assert.equal(init.code, 0, init.stderr);
    // The pipeline's --secret flag, with its CI/CD variable of type File expanded to the file's path as GitLab does.
    const pipeline = parse(await readFile(join(dir, ".gitlab-ci.yml"), "utf8"));
    const secretFlag = (pipeline["build-image"].script.at(-1) as string).match(/--secret (\S+)/)?.[1];
    assert.ok(secretFlag, "the GitLab build passes a build secret");
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
    assert.match(dockerfile, new RegExp(`^ARG GOPROXY=${proxy.url.replace(/[.]/g, "\\.")}$`, "m"));
    assert.match(dockerfile, /--mount=type=secret,id=netrc,target=\/root\/\.netrc/);
    assert.doesNotMatch(dockerfile, new RegExp(PASSWORD));

    // buildah keeps cache mounts in $TMPDIR/buildah-cache: a fresh one, so no earlier build's modules answer for the proxy.
    const podmanEnv = { TMPDIR: await temp.make("slimgo-private-cache-") };
    const tag = `localhost/slimgo-test/private-module:${process.pid}`;
    images.push(tag);
    const build = (secret: boolean) =>
      podman(
        ["build", "--isolation", "chroot", ...ULIMIT_FLAGS, "--layers=false", "--no-cache", "--network=host", "--build-arg", `GO_VERSION=${builderVersion}`,
          ...(secret ? ["--secret", secretFlag.replace('"$NETRC"', netrc)] : []), "-t", tag, dir],
        { env: podmanEnv, allowFailure: true, timeoutMs: 300_000 },
      );

    const without = await build(false);
    assert.notEqual(without.code, 0, "the build cannot fetch the private module without credentials");
    assert.match(without.stdout + without.stderr, /example\.test\/private\/lib@v1\.0\.0: reading https:\/\/127\.0\.0\.1:\d+\/example\.test\/private\/lib\/@v\/v1\.0\.0\.mod: 401 Unauthorized/);

    const withSecret = await build(true);
    assert.equal(withSecret.code, 0, withSecret.stderr);
    assert.ok(proxy.requests.some((r) => r.authorized && r.path.endsWith(".zip")), "the module came from the proxy, with credentials");
    const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, tag, "gopher"]);
    assert.equal(run.stdout.trim(), "hello from the private module, gopher");

    const verified = await runSlimgo(["verify", `podman:${tag}`]);
    assert.equal(verified.code, 0, `the image fails slimgo verify:\n${verified.stdout}${verified.stderr}`);
    // Every byte of the image (layers, config, history) is free of the password and the netrc.
    const archive = join(work, "image.tar");
    await podman(["save", "--format", "docker-archive", "-o", archive, tag]);
    const bytes = await readFile(archive);
    assert.equal(bytes.indexOf(PASSWORD), -1, "the password is in the image");
    assert.equal(bytes.indexOf(`machine 127.0.0.1`), -1, "the netrc is in the image");
  });
});
