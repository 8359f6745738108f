import { rule } from "../../../src/lint/rules/SG110-scratch-runtime-files.js";
import { ruleTester } from "../support/rule-tester.js";
import { fakeModule } from "../support/module.js";
import { initDockerfile } from "../support/dockerfiles.js";

const bare = "FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /app .\n\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";

ruleTester(rule, {
  valid: [
    { code: initDockerfile, module: fakeModule({ tls: true, zoneinfo: true, tmp: true }) },
    { name: "needs nothing", code: bare, module: fakeModule() },
    { name: "no module analysis: rule skips", code: bare },
    { name: "embedded tzdata", code: bare, module: fakeModule({ zoneinfo: true, embeddedTzdata: true }) },
    { name: "timetzdata build tag", code: bare.replace("go build", "go build -tags timetzdata"), module: fakeModule({ zoneinfo: true }) },
    { name: "SSL_CERT_FILE in the legacy ENV form", code: bare.replace("ENTRYPOINT", "ENV SSL_CERT_FILE /etc/ssl/cert.pem\nENTRYPOINT"), module: fakeModule({ tls: true }) },
    { name: "ZONEINFO and TMPDIR among several ENV pairs", code: bare.replace("ENTRYPOINT", "ENV TZ=UTC ZONEINFO=/zoneinfo.zip TMPDIR=/data\nENTRYPOINT"), module: fakeModule({ zoneinfo: true, tmp: true }) },
    { name: "distroless has the files", code: bare.replace("FROM scratch", "FROM gcr.io/distroless/static-debian12"), module: fakeModule({ tls: true, tmp: true }) },
    { name: "CA certificates copied to /etc/ssl/cert.pem, one of the files Go reads", code: bare.replace("ENTRYPOINT", "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/cert.pem\nENTRYPOINT"), module: fakeModule({ tls: true }) },
    { name: "the certificate directory copied whole", code: bare.replace("ENTRYPOINT", "COPY --from=build /etc/ssl/certs /etc/ssl/certs\nENTRYPOINT"), module: fakeModule({ tls: true }) },
    { name: "zoneinfo copied to /usr/share/zoneinfo", code: bare.replace("ENTRYPOINT", "COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo\nENTRYPOINT"), module: fakeModule({ zoneinfo: true }) },
  ],
  invalid: [
    {
      name: "CA certificates copied where Go does not look, with no SSL_CERT_FILE",
      code: bare.replace("ENTRYPOINT", "COPY --from=build /etc/ssl/certs/ca-certificates.crt /certs.pem\nENTRYPOINT"),
      module: fakeModule({ tls: true }),
      lines: [4],
      message: "CA certificates",
    },
    {
      name: "zoneinfo.zip copied to / without ENV ZONEINFO, where Go never looks",
      code: bare.replace("ENTRYPOINT", "COPY --from=build /usr/local/go/lib/time/zoneinfo.zip /zoneinfo.zip\nENTRYPOINT"),
      module: fakeModule({ zoneinfo: true }),
      lines: [4],
      message: "zoneinfo",
    },
    { name: "TLS without CA certificates", code: bare, module: fakeModule({ tls: true }), lines: [4], message: "CA certificates" },
    { name: "time zones without zoneinfo", code: bare, module: fakeModule({ zoneinfo: true }), lines: [4], message: "zoneinfo" },
    { name: "temp files without /tmp", code: bare, module: fakeModule({ tmp: true }), lines: [4], message: "/tmp" },
    { name: "a legacy ENV whose value looks like ZONEINFO=... sets only its own name", code: bare.replace("ENTRYPOINT", "ENV APP_ARGS ZONEINFO=/zoneinfo.zip\nENTRYPOINT"), module: fakeModule({ zoneinfo: true }), lines: [4], message: "zoneinfo" },
    { name: "all three", code: bare, module: fakeModule({ tls: true, zoneinfo: true, tmp: true }), lines: [4, 4, 4] },
    {
      name: "the COPY it suggests names the stage the binary comes from",
      code: bare.replaceAll("build", "builder").replace("go builder", "go build"),
      module: fakeModule({ tls: true }),
      lines: [4],
      message: "COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/",
    },
    {
      name: "a prebuilt binary with no build stage: the files come from an image, the Go one of the module's go line",
      code: 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n',
      module: fakeModule({ zoneinfo: true, go: "1.22.3" }),
      lines: [1],
      message: /COPY --from=golang:1\.22-alpine \/usr\/local\/go\/lib\/time\/zoneinfo\.zip \/zoneinfo\.zip/,
    },
    {
      name: "a prebuilt binary with no build stage: certificates from an image that has them",
      code: 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n',
      module: fakeModule({ tls: true }),
      lines: [1],
      message: /COPY --from=alpine:3\.20 \/etc\/ssl\/certs\/ca-certificates\.crt \/etc\/ssl\/certs\//,
    },
    { name: "an unnamed stage by its index", code: bare.replace(" AS build", "").replace("--from=build", "--from=0"), module: fakeModule({ zoneinfo: true }), lines: [4], message: "COPY --from=0 /usr/local/go/lib/time/zoneinfo.zip" },
  ],
});
