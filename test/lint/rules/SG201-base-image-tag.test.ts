import { rule } from "../../../src/lint/rules/SG201-base-image-tag.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "digest", code: "FROM alpine@sha256:0000000000000000000000000000000000000000000000000000000000000000\n" },
    { name: "stage reference", code: "FROM alpine:3.20 AS base\nFROM base\n" },
    { name: "registry with port", code: "FROM localhost:5000/app:1.0\n" },
  ],
  invalid: [
    { name: "golang:latest", code: "FROM golang:latest\n", lines: [1], message: ":latest" },
    { name: "untagged", code: "FROM alpine\n", lines: [1], message: "no tag" },
    { name: "untagged via ARG", code: "ARG IMG=ubuntu\nFROM ${IMG}\n", lines: [2] },
  ],
});
