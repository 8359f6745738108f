import { rule } from "../../../src/lint/rules/SG113-secrets.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "public key name and non-secret names", code: "FROM alpine:3.20\nARG PUBLIC_KEY\nENV KEYBOARD=us TOKENIZER=x\n" },
    { name: "ENV of a secret name set to empty: nothing is kept in the image", code: "FROM alpine:3.20\nENV DB_PASSWORD=\"\" \\\n    API_TOKEN=\nENV SMTP_PASSWORD ''\n" },
    { name: "the _FILE convention: the value is the path of a file holding the secret", code: "FROM postgres:16\nENV POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password\nARG GITHUB_TOKEN_FILE\nENV API_KEY_PATH=\"/etc/app/${NAME}.key\" tlsKeyFile=./certs/server.key\n" },
    { name: ".env copied into a builder only", code: "FROM golang:1.22 AS b\nCOPY .env /src/.env\nFROM scratch\nCOPY --from=b /app /app\n" },
  ],
  invalid: [
    { name: "ARG token", code: "FROM alpine:3.20\nARG GITHUB_TOKEN\n", lines: [2], message: "secret" },
    { name: "ENV password", code: "FROM alpine:3.20\nENV DB_PASSWORD=hunter2\n", lines: [2] },
    { name: ".env in the final image", code: "FROM scratch\nCOPY .env /app/.env\n", lines: [2], message: ".env" },
    { name: "camelCase and dashed names", code: "FROM alpine:3.20\nARG apiKey\nENV npm-auth=x\n", lines: [2, 3] },
    { name: "a _FILE name whose value is no path may hold the secret itself", code: "FROM alpine:3.20\nENV POSTGRES_PASSWORD_FILE=hunter2-real-password\nARG TOKEN_FILE=s3cr3t\n", lines: [2, 3] },
    { name: "key file in the final image", code: "FROM scratch\nCOPY certs/server.key /certs/\n", lines: [2] },
  ],
});
