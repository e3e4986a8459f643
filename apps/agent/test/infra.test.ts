import { describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { EXIT_CONFIG, EXIT_ENROLL_REFUSED, EXIT_REVOKED } from "../src/exit-codes.ts";

const repo = new URL("../../../", import.meta.url);
const read = (path: string) => readFile(new URL(path, repo), "utf8");

describe("how operators install the agent", () => {
  it("cloud-init installs exactly the systemd unit kept in infra/systemd", async () => {
    const unit = await read("infra/systemd/gatehouse-agent.service");
    const cloudInit = await read("infra/cloud-init/gatehouse-agent.yaml.tftpl");
    const indented = unit
      .trimEnd()
      .split("\n")
      .map((line) => (line === "" ? "" : `      ${line}`))
      .join("\n");
    expect(cloudInit).toContain(indented);
  });

  it("cloud-init installs exactly the fail2ban snippet kept in infra/fail2ban, whose ignorecommand is the installed agent's `allows`", async () => {
    const snippet = await read("infra/fail2ban/jail.d/gatehouse.conf");
    const cloudInit = await read("infra/cloud-init/gatehouse-agent.yaml.tftpl");
    const indented = snippet
      .trimEnd()
      .split("\n")
      .map((line) => (line === "" ? "" : `      ${line}`))
      .join("\n");
    expect(cloudInit).toContain(`  - path: /etc/fail2ban/jail.d/gatehouse.conf\n    permissions: "0644"\n    content: |\n${indented}\n`);
    expect(snippet).toMatch(/^\[DEFAULT\]\nignorecommand = \/usr\/local\/bin\/gatehouse-agent allows <ip>$/m);
  });

  it("the unit restores from disk before the network, validates before running, and does not loop on a revoked credential", async () => {
    const unit = await read("infra/systemd/gatehouse-agent.service");
    expect(unit).toMatch(/ExecStartPre=-\/usr\/local\/bin\/gatehouse-agent restore/);
    expect(unit).toMatch(/ExecStartPre=\/usr\/local\/bin\/gatehouse-agent check-config/);
    expect(unit).toMatch(/Before=network-pre.target/);
    expect(unit).toContain(`RestartPreventExitStatus=${EXIT_CONFIG} ${EXIT_REVOKED} ${EXIT_ENROLL_REFUSED}`);
  });

  it("every step of the unit gets the operator's flags, so restore, check-config and run agree on one backend", async () => {
    const unit = await read("infra/systemd/gatehouse-agent.service");
    const steps = unit.split("\n").filter((line) => /^Exec(StartPre|Start)=/.test(line));
    expect(steps.map((line) => /gatehouse-agent (\S+)/.exec(line)?.[1])).toEqual(["restore", "check-config", "run"]);
    for (const step of steps) expect(step).toMatch(/ \$GATEHOUSE_AGENT_ARGS$/);
  });

  it("the cloud-init template only uses the variables Terraform passes", async () => {
    const cloudInit = await read("infra/cloud-init/gatehouse-agent.yaml.tftpl");
    const variables = [...cloudInit.matchAll(/(?<!\$)\$\{([a-z_]+)\}/g)].map((m) => m[1]);
    expect(new Set(variables)).toEqual(new Set(["gatehouse_url", "enrollment_token"]));
    for (const provider of ["digitalocean", "vultr"]) {
      const tf = await read(`infra/terraform/${provider}/main.tf`);
      expect(tf).toContain("gatehouse-agent.yaml.tftpl");
      expect(tf).toMatch(/gatehouse_url\s*=/);
      expect(tf).toMatch(/enrollment_token\s*=/);
    }
  });
});
