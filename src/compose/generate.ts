import { Document, isScalar, isSeq, visit } from "yaml";
import { HEALTHCHECK_TIMING, healthProbeCommand } from "../dockerfile/health-probe.js";
import type { ProgramPlan } from "../dockerfile/plan.js";
import type { ComposeApp, ComposePlan } from "./plan.js";


/** compose.yaml for a plan (Compose Specification; no `version:` key, which Compose v2 ignores). */
export function generateCompose(plan: ComposePlan): string {
  const services: Record<string, unknown> = {};
  for (const app of plan.apps) services[app.name] = appService(app, plan);
  for (const { recipe, volume } of plan.backing) {
    const service: Record<string, unknown> = { image: recipe.image };
    if (recipe.command) service.command = recipe.command;
    if (Object.keys(recipe.environment).length > 0) service.environment = { ...recipe.environment };
    if (recipe.password) service.secrets = [recipe.password.secret];
    service.volumes = [`${volume}:${recipe.dataPath}`];
    // Checked every 5 s: the programs wait for the first healthy answer before they start.
    service.healthcheck = { test: recipe.healthcheck, interval: "5s", timeout: "5s", retries: 10, start_period: recipe.startPeriod };
    service.restart = "unless-stopped";
    services[recipe.service] = service;
  }
  const doc: Record<string, unknown> = { services };
  const volumes = [...plan.apps.flatMap((a) => a.volumes.map((v) => v.volume)), ...plan.backing.map((b) => b.volume)];
  if (volumes.length > 0) doc.volumes = Object.fromEntries(volumes.map((v) => [v, {}]));
  const secrets = [...plan.secrets.map((s) => [s.name, { file: `./${s.file}` }]), ...plan.buildSecrets.map((s) => [s.name, { file: s.file }])];
  if (secrets.length > 0) doc.secrets = Object.fromEntries(secrets);

  const yaml = new Document(doc, { aliasDuplicateObjects: false });
  yaml.commentBefore = header(plan);
  visit(yaml, {
    Pair(_, pair) {
      // Short command lines read best on one line, as in a Dockerfile.
      if (isScalar(pair.key) && (pair.key.value === "test" || pair.key.value === "command") && isSeq(pair.value)) pair.value.flow = true;
    },
    Scalar(_, node) {
      // "8080:8080" is a base-60 number to YAML 1.1 parsers; quote anything made of digits and colons.
      if (typeof node.value === "string" && /^(?=.*\d)[\d.:]+$/.test(node.value)) node.type = "QUOTE_DOUBLE";
    },
  });
  return yaml.toString({ lineWidth: 0, nullStr: "", flowCollectionPadding: false });
}

function header(plan: ComposePlan): string {
  const lines = [
    " Written by slimgo init; `slimgo init --dry-run` explains each choice.",
    " Start: docker compose up --build" + (plan.watchIgnore ? "   Dev loop: docker compose watch" : ""),
  ];
  if (plan.secrets.length > 0 || Object.keys(plan.dotEnv).length > 0) {
    lines.push(" Passwords live in secrets/ and .env, which .gitignore and .dockerignore keep out of git and images.");
  }
  return lines.join("\n");
}

function appService(app: ComposeApp, plan: ComposePlan): Record<string, unknown> {
  const build: Record<string, unknown> = { context: ".", target: app.target };
  if (plan.buildSecrets.length > 0) build.secrets = plan.buildSecrets.map((b) => b.name);
  const s: Record<string, unknown> = { build };
  if (app.tool) s.profiles = ["tools"];
  if (app.published.length > 0) s.ports = app.published.map((p) => `127.0.0.1:${p.host}:${p.container}${p.udp ? "/udp" : ""}`);
  if (Object.keys(app.environment).length > 0) s.environment = app.environment;
  if (app.secrets.length > 0) s.secrets = app.secrets;
  if (app.volumes.length > 0) s.volumes = app.volumes.map((v) => `${v.volume}:${v.path}`);
  if (app.dependsOn.length > 0) s.depends_on = Object.fromEntries(app.dependsOn.map((d) => [d, { condition: "service_healthy" }]));
  const health = healthTest(app.program);
  const t = HEALTHCHECK_TIMING;
  if (health) s.healthcheck = { test: health, interval: t.interval, timeout: t.timeout, retries: t.retries, start_period: t.startPeriod };
  if (!app.tool) s.restart = "unless-stopped";
  if (plan.watchIgnore && !app.tool) s.develop = { watch: [{ action: "rebuild", path: ".", ignore: plan.watchIgnore }] };
  return s;
}

/** The Dockerfile's HEALTHCHECK, exec form: no shell in the image. */
export function healthTest(program: ProgramPlan): string[] | undefined {
  switch (program.health.kind) {
    case "flag":
      return ["CMD", ...program.health.command];
    case "probe":
      return ["CMD", ...healthProbeCommand(program.health.address, program.health.path, program.health.portEnv)];
    case "none":
      return undefined;
  }
}
