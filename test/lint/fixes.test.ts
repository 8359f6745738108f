import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { applyDockerignoreFixes, applyFileFixes, applyFixes, buildModel, fixFully, lintDockerfile, readContextFile } from "../../src/lint/index.js";
import { makeContext } from "./support/context.js";

const wrong = `FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go mod download
RUN go build -o /out/app ./
FROM scratch
MAINTAINER ops@example.com
COPY --from=build /out/app /app
USER 65532
ENTRYPOINT /app
`;

describe("applyFixes", () => {
  test("fixes everything safe in one pass and the result parses", () => {
    const first = lintDockerfile(wrong);
    const { text, applied } = applyFixes(wrong, first.findings);
    assert.deepEqual(applied.map((f) => f.ruleId).sort(), ["SG102", "SG104", "SG105", "SG108", "SG207"]);
    assert.deepEqual(buildModel(text).problems, []);
    assert.equal(text, `FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app ./
FROM scratch
LABEL org.opencontainers.image.authors="ops@example.com"
COPY --from=build /out/app /app
USER 65532
ENTRYPOINT ["/app"]
`);
    const again = lintDockerfile(text);
    assert.deepEqual(again.findings.filter((f) => f.fix && f.fix.edits.length > 0), []);
    assert.equal(applyFixes(text, again.findings).text, text, "a second --fix changes nothing");
  });

  test("a fix that would break parsing is dropped", () => {
    const finding = { ...lintDockerfile("FROM alpine:3.20\nCMD /app\n").findings[0]!, fix: { description: "bad", edits: [{ start: 0, end: 4, text: "FRM" }] } };
    const { text, applied } = applyFixes("FROM alpine:3.20\nCMD /app\n", [finding]);
    assert.equal(text, "FROM alpine:3.20\nCMD /app\n");
    assert.deepEqual(applied, []);
  });

  test("overlapping fixes: the first wins, the rest wait for the next run", () => {
    const base = lintDockerfile("FROM alpine:3.20\nUSER 1\nCMD /app\n").findings.find((f) => f.ruleId === "SG203")!;
    const other = { ...base, fix: { description: "another", edits: base.fix!.edits.map((e) => ({ ...e, text: '["/other"]' })) } };
    const { text, applied } = applyFixes("FROM alpine:3.20\nUSER 1\nCMD /app\n", [base, other]);
    assert.deepEqual(applied, [base]);
    assert.equal(text, 'FROM alpine:3.20\nUSER 1\nCMD ["/app"]\n');
  });

  test("an edit two fixes both make (the ARG line of one stage) is made once", () => {
    const base = lintDockerfile("FROM alpine:3.20\nUSER 1\nCMD /app\n").findings.find((f) => f.ruleId === "SG203")!;
    const { text, applied } = applyFixes("FROM alpine:3.20\nUSER 1\nCMD /app\n", [base, { ...base }]);
    assert.equal(applied.length, 2);
    assert.equal(text, 'FROM alpine:3.20\nUSER 1\nCMD ["/app"]\n');
  });

  test("fixFully applies, lints again and applies until nothing is left: fixes at the same place land in later passes", () => {
    const crossBuilt = "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN go build -trimpath -ldflags=\"-s -w\" -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";
    const first = lintDockerfile(crossBuilt);
    assert.equal(applyFixes(crossBuilt, first.findings).applied.length, 1, "SG104 and SG106 both insert before go: one pass takes one");
    const { text, applied, seen } = fixFully(crossBuilt, first.findings, (t) => lintDockerfile(t).findings);
    assert.deepEqual(applied.map((f) => f.ruleId).sort(), ["SG104", "SG106"]);
    assert.match(text, /^ARG TARGETOS TARGETARCH\nRUN (GOOS=\$TARGETOS GOARCH=\$TARGETARCH CGO_ENABLED=0|CGO_ENABLED=0 GOOS=\$TARGETOS GOARCH=\$TARGETARCH) go build/m);
    assert.deepEqual(lintDockerfile(text).findings.filter((f) => f.fix && f.fix.edits.length > 0), []);
    assert.ok(seen.length >= first.findings.length);
  });

  test("fixFully inside sh -c '...' and su - -c '...': every fix lands inside the quotes, and the result lints clean for those rules", () => {
    const nested = "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nENV CGO_ENABLED=0\nRUN sh -c 'go build -o /app .' && su - builder -c 'go build -o /app2 .'\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";
    const first = lintDockerfile(nested);
    const { text } = fixFully(nested, first.findings, (t) => lintDockerfile(t).findings);
    assert.equal(
      text.split("\n")[3],
      "RUN sh -c 'GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags=\"-s -w\" -o /app .' && su - builder -c 'CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /app2 .'",
      "SG106 has no fix under su -, where $TARGETOS would not reach the script",
    );
    const after = lintDockerfile(text).findings;
    assert.deepEqual(after.filter((f) => ["SG104", "SG105"].includes(f.ruleId)), []);
    assert.deepEqual(after.filter((f) => f.ruleId === "SG106").map((f) => [f.line, f.fix]), [[4, undefined]], "only the su - build is left, without a fix");
  });

  test(".dockerignore additions are appended once", () => {
    const findings = [{ ruleId: "SG112", severity: "warning" as const, message: "m", file: "Dockerfile", line: 1, column: 1, endLine: 1, endColumn: 1, fix: { description: "d", edits: [], dockerignoreAdditions: [".git", ".env"] } }];
    assert.deepEqual(applyDockerignoreFixes(undefined, findings), { text: ".git\n.env\n", added: [".git", ".env"] });
    assert.deepEqual(applyDockerignoreFixes("bin", findings), { text: "bin\n.git\n.env\n", added: [".git", ".env"] });
    assert.deepEqual(applyDockerignoreFixes(".git\n.env\n", findings), { text: ".git\n.env\n", added: [] });
  });

  test("a context file's edits from every pass of fixFully land once, beside the Dockerfile's own fixes", () => {
    // SG203 turns the shell-form ENTRYPOINT into exec form; SG219 reports the script in both passes.
    const dockerfile = "FROM alpine:3.20\nCOPY app /app\nCOPY docker-entrypoint.sh /\nENTRYPOINT /docker-entrypoint.sh\n";
    const contextDir = makeContext({ "docker-entrypoint.sh": "#!/bin/sh\n/app serve\n" });
    const lint = (text: string) => lintDockerfile(text, { contextDir, dockerignore: null }).findings;
    const fixed = fixFully(dockerfile, lint(dockerfile), lint);
    assert.equal(fixed.text, 'FROM alpine:3.20\nCOPY app /app\nCOPY docker-entrypoint.sh /\nENTRYPOINT ["/docker-entrypoint.sh"]\n');
    assert.ok(fixed.seen.filter((f) => f.ruleId === "SG219").length >= 2, "SG219 seen in more than one pass");
    const files = applyFileFixes((path) => readContextFile(contextDir, path), fixed.seen);
    assert.deepEqual(files, [{ path: "docker-entrypoint.sh", before: "#!/bin/sh\n/app serve\n", text: "#!/bin/sh\nexec /app serve\n" }]);
    assert.deepEqual(applyFileFixes(() => undefined, fixed.seen), [], "a file that cannot be read is left out");
  });
});
