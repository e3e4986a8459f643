// Every prompt the IVR can ask Asterisk to play has a recording in infra/asterisk, in the format
// Asterisk plays without transcoding (8 kHz, mono, 16-bit PCM WAV), and nothing else is there.
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { IVR_PROMPT_IDS } from "@gatehouse/core";

const soundsDir = fileURLToPath(new URL("../../../infra/asterisk/sounds/gatehouse/", import.meta.url));

describe("the IVR's recordings", () => {
  it("exist for exactly the typed prompt list", async () => {
    const files = (await readdir(soundsDir)).filter((file) => file.endsWith(".wav")).map((file) => file.slice(0, -4));
    expect(files.sort()).toEqual([...IVR_PROMPT_IDS].sort());
  });

  it.each(IVR_PROMPT_IDS)("%s.wav is 8 kHz mono 16-bit PCM with some sound in it", async (id) => {
    const wav = await readFile(`${soundsDir}${id}.wav`);
    expect(wav.toString("ascii", 0, 4)).toBe("RIFF");
    expect(wav.toString("ascii", 8, 12)).toBe("WAVE");
    expect(wav.readUInt16LE(20)).toBe(1); // PCM
    expect(wav.readUInt16LE(22)).toBe(1); // mono
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.length).toBeGreaterThan(44 + 8000 * 2 * 0.2);
  });
});
