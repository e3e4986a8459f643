// Keeps the ProviderPreset table in line with the presets Gatehouse ships (marked builtIn, so the
// API never edits or deletes them; an MSP admin's own presets are left alone). Idempotent, and
// never enables a preset: enabling is an operator's decision (PresetEnablement).
import { PROVIDER_PRESETS } from "@gatehouse/core";
import type { PrismaClient } from "./generated/client.ts";

/** Upserts every shipped preset; returns how many there are. */
export async function seedProviderPresets(prisma: PrismaClient): Promise<number> {
  await prisma.$transaction(
    PROVIDER_PRESETS.map(({ id, ...shipped }) =>
      prisma.providerPreset.upsert({
        where: { id },
        create: { id, ...shipped, builtIn: true },
        update: { ...shipped, builtIn: true },
      }),
    ),
  );
  return PROVIDER_PRESETS.length;
}
