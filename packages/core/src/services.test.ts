import { describe, expect, it } from "vitest";
import { GatehouseError } from "./errors.ts";
import {
  customServiceDefinition,
  customServiceSchema,
  lookupServices,
  SERVICE_CATALOGUE,
  serviceIdsSchema,
} from "./services.ts";

const provisioning = { id: "provisioning", name: "Phone provisioning", protocol: "tcp" as const, portFrom: 8443, portTo: 8443 };

describe("the service catalogue", () => {
  it("offers the PBX services Travelin' Man 3 knew, by id", () => {
    expect(SERVICE_CATALOGUE.map((service) => service.id)).toEqual([
      "all", "http", "https", "iax2", "ntp", "rtp", "sip", "sip-tls", "ssh", "tftp", "webrtc",
    ]);
  });

  it.each([
    ["sip", [{ protocol: "udp", from: 5060, to: 5060 }, { protocol: "tcp", from: 5060, to: 5060 }]],
    ["sip-tls", [{ protocol: "tcp", from: 5061, to: 5061 }]],
    ["rtp", [{ protocol: "udp", from: 10000, to: 20000 }]],
    ["iax2", [{ protocol: "udp", from: 4569, to: 4569 }]],
    ["ssh", [{ protocol: "tcp", from: 22, to: 22 }]],
    ["http", [{ protocol: "tcp", from: 80, to: 80 }]],
    ["https", [{ protocol: "tcp", from: 443, to: 443 }]],
    ["webrtc", [{ protocol: "tcp", from: 8089, to: 8089 }]],
    ["ntp", [{ protocol: "udp", from: 123, to: 123 }]],
    ["tftp", [{ protocol: "udp", from: 69, to: 69 }]],
    ["all", []],
  ])("opens %s on the right ports", (id, ports) => {
    expect(lookupServices([id], [])[0]?.ports).toEqual(ports);
  });
});

describe("looking up an entry's services", () => {
  it("finds catalogue and custom services in the order asked", () => {
    const custom = customServiceDefinition(provisioning);
    expect(lookupServices(["provisioning", "sip"], [custom]).map((service) => service.id)).toEqual(["provisioning", "sip"]);
  });

  it("names every unknown service", () => {
    try {
      lookupServices(["sip", "fax", "telnet"], []);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GatehouseError);
      expect(error).toMatchObject({ code: "BAD_INPUT", message: "unknown services: fax, telnet", details: { unknown: ["fax", "telnet"] } });
    }
    expect(() => lookupServices(["fax"], [])).toThrow("unknown service: fax");
  });
});

describe("an operator adds a custom service", () => {
  it("becomes a definition usable like the catalogue's", () => {
    expect(customServiceDefinition(customServiceSchema.parse(provisioning))).toEqual({
      id: "provisioning",
      name: "Phone provisioning",
      ports: [{ protocol: "tcp", from: 8443, to: 8443 }],
    });
    expect(customServiceSchema.parse({ ...provisioning, portFrom: 30000, portTo: 30100 }).portTo).toBe(30100);
  });

  it.each([
    [{ id: "sip" }, "this service id is taken by the catalogue or the firewall (lan, admin)"],
    [{ id: "all" }, "this service id is taken by the catalogue or the firewall (lan, admin)"],
    [{ id: "lan" }, "this service id is taken by the catalogue or the firewall (lan, admin)"],
    [{ id: "admin" }, "this service id is taken by the catalogue or the firewall (lan, admin)"],
    [{ id: "Fax" }, "a service id is 2-21 characters: a lower-case letter, then letters, digits or '-'"],
    [{ id: "9fax" }, "a service id is 2-21 characters: a lower-case letter, then letters, digits or '-'"],
    [{ id: "f" }, "a service id is 2-21 characters: a lower-case letter, then letters, digits or '-'"],
    [{ id: "a".repeat(22) }, "a service id is 2-21 characters: a lower-case letter, then letters, digits or '-'"],
    [{ id: "fax;reboot" }, "a service id is 2-21 characters: a lower-case letter, then letters, digits or '-'"],
    [{ name: "  " }, "a service needs a name"],
    [{ portFrom: 0 }, undefined],
    [{ portTo: 65536 }, undefined],
    [{ portFrom: 5.5 }, undefined],
    [{ protocol: "sctp" }, undefined],
    [{ portFrom: 9000, portTo: 8000 }, "the first port must not be above the last port"],
  ])("is refused with %j", (change, message) => {
    const result = customServiceSchema.safeParse({ ...provisioning, ...change });
    expect(result.success).toBe(false);
    if (message !== undefined) expect(result.error?.issues.map((issue) => issue.message)).toContain(message);
  });
});

describe("the services chosen for an entry", () => {
  it("need at least one, each once", () => {
    expect(serviceIdsSchema.parse(["sip", "rtp"])).toEqual(["sip", "rtp"]);
    expect(serviceIdsSchema.safeParse([]).error?.issues[0]?.message).toBe("choose at least one service");
    expect(serviceIdsSchema.safeParse(["sip", "sip"]).error?.issues[0]?.message).toBe("a service is listed twice");
  });
});
