// Keeps the ProviderPreset table in line with the presets Gatehouse ships. Idempotent, and
// never enables a preset: enabling is an operator's decision (PresetEnablement).
import { PROVIDER_PRESETS } from "@gatehouse/core";
import type { PrismaClient } from "./generated/client.ts";

/** Upserts every shipped preset; returns how many there are. */
export async function seedProviderPresets(prisma: PrismaClient): Promise<number> {
  await prisma.$transaction(
    PROVIDER_PRESETS.map(({ id, name, hosts, services }) =>
      prisma.providerPreset.upsert({
        where: { id },
        create: { id, name, hosts, services },
        update: { name, hosts, services },
      }),
    ),
  );
  return PROVIDER_PRESETS.length;
}
