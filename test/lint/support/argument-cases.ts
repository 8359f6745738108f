/**
 * Instructions whose arguments builders refuse (SG001 reports them) and look-alikes they build, each
 * the second line of a Dockerfile after `FROM scratch`. test/lint/containers.test.ts builds every one
 * with podman, so the table says what a builder does, not what slimgo thinks it does.
 */
export const ARGUMENTS_REFUSED: [body: string, message: string][] = [
  ["ENV", "ENV with nothing after it: builders stop here"],
  ["LABEL", "LABEL with nothing after it"],
  ["ARG", "ARG with nothing after it"],
  ["RUN", "RUN with nothing after it"],
  ["WORKDIR", "WORKDIR with nothing after it: builders stop here (WORKDIR requires at least one argument); give it a directory, e.g. WORKDIR /app, or remove the line"],
  ["USER", "USER with nothing after it"],
  ["EXPOSE", "EXPOSE with nothing after it"],
  ["VOLUME", "VOLUME with nothing after it"],
  ["STOPSIGNAL", "STOPSIGNAL with nothing after it"],
  ["SHELL", "SHELL with nothing after it"],
  ["ONBUILD", "ONBUILD with nothing after it"],
  ["HEALTHCHECK", "HEALTHCHECK with nothing after it"],
  ["COPY app", "COPY app names one path: builders stop here; give a source and a destination, e.g. COPY app /app/"],
  ["ADD app", "ADD app names one path"],
  ["ENV GOFLAGS", 'ENV GOFLAGS has no value: builders stop here (ENV must have two arguments); write ENV GOFLAGS=value (GOFLAGS="" for an empty one)'],
  ["LABEL version", "LABEL version has no value"],
  ["ENV CGO_ENABLED=0 GOOS", 'ENV: GOOS has no "=": where one word is NAME=value, builders stop at a word that is not'],
];

export const ARGUMENTS_BUILT: string[] = [
  "CMD",
  "ENTRYPOINT",
  "ENV GOFLAGS=",
  'LABEL version=""',
  "ENV CGO_ENABLED=0 GOOS=linux",
  "ENV CGO_ENABLED 0",
  "HEALTHCHECK NONE",
  "ARG VERSION",
  "WORKDIR /app",
];
