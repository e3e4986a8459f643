#!/usr/bin/env node
// `systemctl` for a PBX in a network namespace, where no systemd runs: records every call in
// $SYSTEMCTL_LOG (one JSON array per line) and does what systemd would with our unit.
//   daemon-reload          nothing to reload
//   enable NAME            NAME.service must be installed in /etc/systemd/system
//   restart NAME           reads the unit: Environment= and EnvironmentFile=-, then each
//                          ExecStartPre= in order ("-" = its failure is ignored, as systemd
//                          does), then ExecStart= in the background (pid in $SYSTEMCTL_PIDFILE,
//                          output appended to $SYSTEMCTL_OUTPUT)
// $VAR expands to its words and ${VAR} to one word, as in systemd's command lines.
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, openSync, readFileSync, writeFileSync } from "node:fs";

const [verb, name] = process.argv.slice(2);
appendFileSync(process.env.SYSTEMCTL_LOG, `${JSON.stringify(process.argv.slice(2))}\n`);
const unitFile = (unit) => `/etc/systemd/system/${unit.endsWith(".service") ? unit : `${unit}.service`}`;

function fail(message) {
  process.stderr.write(`systemctl (stand-in): ${message}\n`);
  process.exit(1);
}

function unitSettings(text) {
  const settings = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";") || line.startsWith("[")) continue;
    const at = line.indexOf("=");
    settings.push([line.slice(0, at), line.slice(at + 1)]);
  }
  return settings;
}

function environmentOf(settings) {
  const env = { ...process.env };
  for (const [key, value] of settings) {
    if (key === "Environment") {
      const at = value.indexOf("=");
      env[value.slice(0, at)] = value.slice(at + 1);
    } else if (key === "EnvironmentFile") {
      const optional = value.startsWith("-");
      const file = optional ? value.slice(1) : value;
      if (!existsSync(file)) {
        if (optional) continue;
        fail(`EnvironmentFile ${file} is missing`);
      }
      for (const line of readFileSync(file, "utf8").split("\n")) {
        const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
        if (match) env[match[1]] = match[2].replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
      }
    }
  }
  return env;
}

function words(commandLine, env) {
  return commandLine
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((word) => {
      const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(word);
      if (whole) return [env[whole[1]] ?? ""];
      const split = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word);
      if (split) return (env[split[1]] ?? "").split(/\s+/).filter(Boolean);
      return [word];
    });
}

function restart(unit) {
  if (!existsSync(unitFile(unit))) fail(`Unit ${unit}.service not found.`);
  const settings = unitSettings(readFileSync(unitFile(unit), "utf8"));
  const env = environmentOf(settings);
  const output = openSync(process.env.SYSTEMCTL_OUTPUT, "a");
  for (const [key, value] of settings.filter(([k]) => k === "ExecStartPre")) {
    const ignoreFailure = value.startsWith("-");
    const [file, ...args] = words(ignoreFailure ? value.slice(1) : value, env);
    const result = spawnSync(file, args, { env, stdio: ["ignore", output, output] });
    if (result.status !== 0 && !ignoreFailure) fail(`${key}=${value} failed with exit code ${result.status}`);
  }
  const start = settings.find(([k]) => k === "ExecStart");
  if (!start) fail("no ExecStart=");
  const [file, ...args] = words(start[1], env);
  const child = spawn(file, args, { env, stdio: ["ignore", output, output], detached: true });
  writeFileSync(process.env.SYSTEMCTL_PIDFILE, String(child.pid));
  child.unref();
}

if (verb === "daemon-reload") process.exit(0);
if (verb === "enable") {
  if (!existsSync(unitFile(name))) fail(`Unit file ${name}.service does not exist.`);
  process.exit(0);
}
if (verb === "restart") {
  restart(name);
  process.exit(0);
}
fail(`${verb} is not something this stand-in does`);
