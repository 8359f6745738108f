/**
 * Instructions every builder refuses for what their arguments lack: none given where one is needed
 * (`WORKDIR` alone; podman 4.3 even panics on `RUN` and `ARG` alone), `ENV NAME` with no value, a word
 * without `=` among `NAME=value` pairs. dockerfile-ast reads them without complaint.
 */
import { Env, Label, type Instruction } from "dockerfile-ast";
import type { ParseProblem } from "./types.js";

/** What each instruction needs, as a builder's error would say it, with an example to write. */
const needs: Record<string, string> = {
  FROM: "an image, e.g. FROM alpine:3.20",
  RUN: "a command to run",
  ENV: "NAME=value, e.g. ENV GOMEMLIMIT=200MiB",
  LABEL: "key=value, e.g. LABEL org.opencontainers.image.source=https://…",
  ARG: "a name, e.g. ARG VERSION or ARG VERSION=dev",
  WORKDIR: "a directory, e.g. WORKDIR /app",
  USER: "a user, e.g. USER 65532:65532",
  EXPOSE: "a port, e.g. EXPOSE 8080",
  VOLUME: "a path, e.g. VOLUME /data",
  STOPSIGNAL: "a signal, e.g. STOPSIGNAL SIGTERM",
  SHELL: 'a shell in exec form, e.g. SHELL ["/bin/sh", "-c"]',
  ONBUILD: "an instruction to run in the images built from this one",
  HEALTHCHECK: "CMD and a command, or NONE",
  MAINTAINER: "a name (MAINTAINER is deprecated: LABEL org.opencontainers.image.authors=… says it)",
};

export function argumentProblems(keyword: string, node: Instruction, args: string[], shape: { heredocs: boolean; flags: boolean }, line: number): ParseProblem[] {
  const need = needs[keyword];
  // With flags (`RUN --mount=…` and no command) this podman runs an empty command: not refused everywhere.
  if (need !== undefined && args.length === 0 && !shape.flags) {
    return [{ line, message: `${keyword} with nothing after it: builders stop here (${keyword} requires at least one argument); give it ${need}, or remove the line` }];
  }
  if ((keyword === "COPY" || keyword === "ADD") && args.length === 1 && !shape.heredocs) {
    return [{ line, message: `${keyword} ${args[0]} names one path: builders stop here; give a source and a destination, e.g. ${keyword} ${args[0]} /app/` }];
  }
  if (node instanceof Env || node instanceof Label) {
    const properties = node.getProperties();
    const only = properties[0];
    if (properties.length === 1 && only !== undefined && only.getAssignmentOperator() === null && only.getValue() === null) {
      return [{ line, message: `${keyword} ${only.getName()} has no value: builders stop here (${keyword} must have two arguments); write ${keyword} ${only.getName()}=value (${only.getName()}="" for an empty one)` }];
    }
    if (properties.length > 1) {
      const bare = properties.find((p) => p.getAssignmentOperator() === null);
      if (bare !== undefined) {
        return [{ line, message: `${keyword}: ${bare.getName()} has no "=": where one word is NAME=value, builders stop at a word that is not (can't find = in "${bare.getName()}"); write ${bare.getName()}=value, or quote a value that has spaces` }];
      }
    }
  }
  return [];
}
