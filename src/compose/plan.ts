/**
 * Decides the compose project for a Dockerfile plan: one service per program (built from the
 * generated Dockerfile's target), the backing services the programs use, the secrets, and what
 * goes in `.env`. Pure: passwords come in, nothing is read or written here.
 */
import { detectBackingServices, type BackingService } from "../analysis/services.js";
import type { ModuleAnalysis } from "../analysis/types.js";
import type { Decision, DockerfilePlan, ProgramPlan } from "../dockerfile/plan.js";
import { NETRC_SECRET } from "../dockerfile/module-fetch.js";
import { BACKING_RECIPES, connectionValue, type BackingRecipe } from "./backing.js";

export interface ComposeApp {
  /** Service name: the program's name (serviceNames), the binary's when that is valid. */
  name: string;
  /** Dockerfile target: "runtime" for one program, the binary name with --all. */
  target: string;
  program: ProgramPlan;
  /** Host ports published on 127.0.0.1, each mapped to a port the program listens on (its service port first); udp for a UDP listener. */
  published: { host: number; container: number; udp?: true }[];
  /** Values null pass the variable through from the shell running compose. */
  environment: Record<string, string | null>;
  secrets: string[];
  dependsOn: string[];
  /** Programs that are neither servers nor long-running go into the `tools` profile (run them with `compose run`). */
  tool: boolean;
  /** Named volumes over the directories the program writes its state to, so the state outlives a rebuild. */
  volumes: { volume: string; path: string }[];
}

export interface ComposeSecret {
  name: string;
  /** Path relative to the module root, e.g. secrets/postgres_password.txt. */
  file: string;
  value: string;
}

export interface ComposePlan {
  apps: ComposeApp[];
  backing: { recipe: BackingRecipe; volume: string }[];
  secrets: ComposeSecret[];
  /** Secrets the image build reads (the netrc for private modules), from files outside the project. */
  buildSecrets: { name: string; file: string }[];
  /** Variables compose reads from `.env` to fill in connection URLs (passwords). */
  dotEnv: Record<string, string>;
  /** `develop.watch` rebuild on source changes, ignoring these paths. */
  watchIgnore?: string[];
  decisions: Decision[];
}

export interface ComposeOptions {
  /** Add a `develop: watch:` section. */
  dev?: boolean;
  /** The password for a backing service's secret: the one already on disk, or a new random one. */
  password: (password: NonNullable<BackingRecipe["password"]>) => string;
}

export function planCompose(analysis: ModuleAnalysis, dockerfile: DockerfilePlan, options: ComposeOptions): ComposePlan {
  const decisions: Decision[] = [];
  const single = dockerfile.programs.length === 1;
  const used = new Map<string, BackingService[]>();
  for (const p of dockerfile.programs) used.set(p.name, detectBackingServices(analysis, p.main));

  const kinds = [...new Set([...used.values()].flat().map((s) => s.kind))];
  const backing = kinds.map((kind) => ({ recipe: BACKING_RECIPES[kind], volume: `${BACKING_RECIPES[kind].service}-data` }));
  const secrets = new Map<string, ComposeSecret>();
  const dotEnv: Record<string, string> = {};
  for (const { recipe } of backing) {
    if (!recipe.password) continue;
    secrets.set(recipe.password.secret, secretFile(recipe.password.secret, options.password(recipe.password)));
  }

  // "8080/tcp", "53/udp": a host port is taken per protocol.
  const takenPorts = new Set<string>();
  const apps: ComposeApp[] = dockerfile.programs.map((program) => {
    const name = program.name;
    const who = single ? "" : `${name}: `;
    const services = used.get(name) ?? [];
    const app: ComposeApp = {
      name,
      target: program.stage,
      program,
      published: [],
      environment: {},
      secrets: [],
      dependsOn: services.map((s) => BACKING_RECIPES[s.kind].service),
      tool: !program.main.facts.isServer && services.length === 0 && !program.main.facts.imports.includes("os/signal"),
      volumes: program.stateDirectories.map((d, _, all) => ({ volume: `${name}-${all.length === 1 ? "data" : d.path.slice(1).replace(/[^A-Za-z0-9]+/g, "-")}`, path: d.path })),
    };
    for (const v of app.volumes) {
      const dir = program.stateDirectories.find((d) => d.path === v.path)!;
      decisions.push({ topic: `${who}compose`, choice: `volume ${v.volume} at ${v.path}`, reason: "the program keeps its state there: a named volume keeps it across rebuilds and takes the directory's owner, 65532", evidence: [dir.evidence] });
    }
    if (app.tool) {
      decisions.push({ topic: `${who}compose`, choice: "profile tools", reason: "neither a server nor a long-running process: `docker compose run` it instead of starting it with `up`", evidence: [program.main.evidence] });
    }
    for (const exposed of program.exposedPorts) {
      const [container, protocol = "tcp"] = exposed.split("/") as [string, string?];
      let host = Number(container);
      while (takenPorts.has(`${host}/${protocol}`)) host++;
      takenPorts.add(`${host}/${protocol}`);
      app.published.push({ host, container: Number(container), ...(protocol === "udp" ? { udp: true as const } : {}) });
    }
    const wired = new Set<string>();
    for (const s of services) {
      const recipe = BACKING_RECIPES[s.kind];
      wired.add(s.variableName);
      if (s.connectionFileVariable) wired.add(s.connectionFileVariable.name);
      decisions.push(wire(app, s, recipe, secrets, dotEnv, options, who));
    }
    const portVar = program.main.facts.ports[0]?.envVar ?? program.portVariable;
    for (const v of program.main.facts.envVariables) {
      if (wired.has(v.name) || v.name in app.environment || HOST_VARIABLES.has(v.name)) continue;
      app.environment[v.name] = v.name === portVar && program.port !== undefined ? String(program.port) : v.default === undefined ? null : literalValue(v.default);
    }
    return app;
  });

  const buildSecrets = dockerfile.moduleFetch ? [{ name: NETRC_SECRET.id, file: NETRC_SECRET.hostFile }] : [];
  if (buildSecrets.length > 0) {
    decisions.push({
      topic: "compose",
      choice: `build.secrets: [${NETRC_SECRET.id}] from ${NETRC_SECRET.hostFile}`,
      reason: "the Dockerfile's module download reads credentials from that build secret; `docker compose build` passes it as docker build --secret does",
      evidence: [],
    });
  }
  const plan: ComposePlan = { apps, backing, secrets: [...secrets.values()], buildSecrets, dotEnv, decisions };
  if (options.dev) {
    plan.watchIgnore = [".git/", "secrets/", ".env", "**/*_test.go", "*.md", ...(analysis.vendored ? [] : ["vendor/"])];
    decisions.push({ topic: "dev loop", choice: "develop.watch: rebuild", reason: "`docker compose watch` rebuilds and restarts the service when Go source changes; tests, docs and secrets are ignored", evidence: [] });
  }
  return plan;
}

/** Sets the connection variable of `app` for one backing service and says how. */
function wire(app: ComposeApp, service: BackingService, recipe: BackingRecipe, secrets: Map<string, ComposeSecret>, dotEnv: Record<string, string>, options: ComposeOptions, who: string): Decision {
  const evidence = [...service.evidence, ...(service.connectionVariable ? [service.connectionVariable.evidence] : [])];
  const variable = service.variableName;
  const read = service.connectionVariable ? `the code reads ${variable}` : `the code reads no connection variable that could be found; ${variable} is the usual name`;
  const clients = service.clients.join(", ");
  if (!recipe.password) {
    app.environment[variable] = connectionValue(recipe, variable, "");
    return { topic: `${who}${recipe.kind}`, choice: `${recipe.image} as "${recipe.service}", ${variable}=${app.environment[variable]}`, reason: `${clients} is imported; ${read}`, evidence };
  }
  const password = secrets.get(recipe.password.secret)!.value;
  if (service.connectionFileVariable) {
    // The code can read the whole connection string from a file: hand it over as a secret.
    const name = `${recipe.service}_url`;
    secrets.set(name, secretFile(name, connectionValue(recipe, variable, password)));
    app.secrets.push(name);
    app.environment[service.connectionFileVariable.name] = `/run/secrets/${name}`;
    return {
      topic: `${who}${recipe.kind}`,
      choice: `${recipe.image} as "${recipe.service}", ${service.connectionFileVariable.name}=/run/secrets/${name}`,
      reason: `${clients} is imported and the code reads ${service.connectionFileVariable.name}: the connection string, password included, is a compose secret`,
      evidence: [...evidence, service.connectionFileVariable.evidence],
    };
  }
  // Compose fills ${...} from .env, which .gitignore and .dockerignore keep out; the password never lands in compose.yaml.
  dotEnv[recipe.password.envName] = options.password(recipe.password);
  app.environment[variable] = connectionValue(recipe, variable, `\${${recipe.password.envName}:?set ${recipe.password.envName} in .env}`);
  return {
    topic: `${who}${recipe.kind}`,
    choice: `${recipe.image} as "${recipe.service}", ${variable} with the password from .env`,
    reason: `${clients} is imported; ${read}; the database reads its password from secrets/${recipe.password.secret}.txt`,
    evidence,
  };
}

function secretFile(name: string, value: string): ComposeSecret {
  return { name, file: `secrets/${name}.txt`, value };
}

/**
 * Variables the container's runtime sets for itself. A compose entry without a value passes the
 * developer's own (a macOS TMPDIR, a home directory) into a container that has no such path.
 */
const HOST_VARIABLES = new Set(["HOME", "USER", "LOGNAME", "PATH", "PWD", "SHELL", "TMPDIR", "HOSTNAME", "TERM"]);

/** A default from Go source is a literal: compose would read its `$` as interpolation. */
function literalValue(value: string): string {
  return value.replaceAll("$", () => "$$");
}
