// A server's settings as a form edits them (text fields), and as the API takes them. The
// control plane's parsers decide what a range or an address is; the console only splits lists.
import type { RouterInputs } from "../api/client.ts";

export const PROVIDERS = ["digitalocean", "vultr", "hetzner", "linode", "aws", "other"];

/** What a new server gets (prisma/schema.prisma): right for a PBX in an office, rarely on a cloud VPS. */
const DEFAULT_LAN_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

export type MediaChoice = "open" | "allowed";

export interface SettingsDraft {
  name: string;
  provider: string;
  region: string;
  tags: string;
  primaryAdminSource: string;
  lanRanges: string;
  media: MediaChoice;
}

export type SettingsInput = Omit<RouterInputs["servers"]["update"], "serverId">;

interface ServerSettings {
  name: string;
  provider: string;
  region: string | null;
  tags: string[];
  primaryAdminSource: string | null;
  lanRanges: string[];
  mediaOpenToAll: boolean;
}

export const NEW_SERVER_DRAFT: SettingsDraft = {
  name: "",
  provider: "digitalocean",
  region: "",
  tags: "",
  primaryAdminSource: "",
  lanRanges: DEFAULT_LAN_RANGES.join("\n"),
  media: "open",
};

export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

export function draftOf(server: ServerSettings): SettingsDraft {
  return {
    name: server.name,
    provider: server.provider,
    region: server.region ?? "",
    tags: server.tags.join(" "),
    primaryAdminSource: server.primaryAdminSource ?? "",
    lanRanges: server.lanRanges.join("\n"),
    media: server.mediaOpenToAll ? "open" : "allowed",
  };
}

export function settingsOf(draft: SettingsDraft): SettingsInput & { name: string } {
  return {
    name: draft.name.trim(),
    provider: draft.provider.trim() || "other",
    region: draft.region.trim() || null,
    tags: splitList(draft.tags),
    primaryAdminSource: draft.primaryAdminSource.trim() || null,
    lanRanges: splitList(draft.lanRanges),
    mediaOpenToAll: draft.media === "open",
  };
}

/** Still (a superset of) the defaults: worth a word on a cloud VPS. */
export function keepsDefaultLan(ranges: readonly string[]): boolean {
  return DEFAULT_LAN_RANGES.every((range) => ranges.includes(range));
}
