import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  listVersions,
  nextVersion,
  readAliases,
  readVersion,
  rollback,
  updateCard,
  writeAliases,
  writeVersion,
} from "../../core/registry-store.js";
import { decidePromotion } from "../../pipeline/registry/promotion.js";
import { makeCard } from "../helpers/model-card.js";
import { tempArtifactsDir } from "../helpers/pipeline-context.js";
import { paths } from "../../core/artifact-layout.js";

const weights = new Uint8Array([1, 2, 3]);

describe("registry store", () => {
  it("writes versions whole, lists them in order and reads them back", async () => {
    const dir = tempArtifactsDir();
    expect(await nextVersion(dir)).toBe(1);
    await writeVersion(dir, { card: makeCard(1), modelJson: "{}", weights });
    await writeVersion(dir, { card: makeCard(2), modelJson: "{}", weights });
    expect(await listVersions(dir)).toEqual([1, 2]);
    const back = await readVersion(dir, 2);
    expect(back.card.version).toBe(2);
    expect([...back.weights]).toEqual([1, 2, 3]);
    await expect(
      writeVersion(dir, { card: makeCard(2), modelJson: "{}", weights }),
    ).rejects.toThrow(/exists/);
    expect(readdirSync(paths.registryVersion(dir, 1)).sort()).toEqual([
      "card.json",
      "model.json",
      "weights.bin",
    ]);
  });

  it("never reuses a version number, even after a crashed write", async () => {
    const dir = tempArtifactsDir();
    await writeVersion(dir, { card: makeCard(1), modelJson: "{}", weights });
    mkdirSync(paths.registryVersion(dir, 2), { recursive: true }); // half-written, no card
    expect(await listVersions(dir)).toEqual([1]);
    expect(await nextVersion(dir)).toBe(3);
  });

  it("refuses aliases that point at no version", async () => {
    const dir = tempArtifactsDir();
    expect(await readAliases(dir)).toEqual({ champion: null, challenger: null });
    await expect(writeAliases(dir, { champion: 4, challenger: null })).rejects.toThrow(
      /no such version/,
    );
    expect(existsSync(paths.aliases(dir))).toBe(false);
  });

  it("rolls the champion back to the previous promoted version in one call", async () => {
    const dir = tempArtifactsDir();
    const promoted = { promoted: true, comparedWith: null, reasons: [], decidedAt: "x" };
    await writeVersion(dir, {
      card: makeCard(1, { decision: promoted }),
      modelJson: "{}",
      weights,
    });
    await writeVersion(dir, {
      card: makeCard(2, { decision: { ...promoted, promoted: false } }),
      modelJson: "{}",
      weights,
    });
    await writeVersion(dir, {
      card: makeCard(3, { decision: promoted }),
      modelJson: "{}",
      weights,
    });
    await writeAliases(dir, { champion: 3, challenger: null });
    expect(await rollback(dir)).toEqual({ from: 3, to: 1 });
    expect(await readAliases(dir)).toEqual({ champion: 1, challenger: 3 });
    await expect(rollback(dir)).rejects.toThrow(/no earlier promoted version/);
    expect(await rollback(dir, 2)).toEqual({ from: 1, to: 2 });
    await expect(rollback(dir, 9)).rejects.toThrow(/no registry version 9/);
    const card = (await readVersion(dir, 1)).card;
    await updateCard(dir, { ...card, metrics: { brierSkill: 0.5 } });
    expect((await readVersion(dir, 1)).card.metrics).toEqual({ brierSkill: 0.5 });
  });
});

describe("promotion policy", () => {
  const policy = { minBrierSkillGain: 0, significance: 0.05 };
  const good = {
    gates: [{ name: "too-good", passed: true, detail: "accuracy 52%" }],
    brierSkill: 0.002,
    accuracy: 0.52,
    alwaysUpBetterPValue: 0.4,
  };

  it("never promotes a candidate that fails a leakage gate", () => {
    const d = decidePromotion(
      { ...good, gates: [{ name: "too-good", passed: false, detail: "accuracy 71%" }] },
      null,
      policy,
    );
    expect(d.promoted).toBe(false);
    expect(d.reasons.join(" ")).toMatch(/too-good.*71%/);
  });

  it("promotes the first candidate that passes the gates", () => {
    expect(decidePromotion(good, null, policy).promoted).toBe(true);
  });

  it("replaces the champion only when the candidate is at least as good", () => {
    const champion = { version: 3, metrics: { brierSkill: 0.003 } };
    const worse = decidePromotion(good, champion, policy);
    expect(worse.promoted).toBe(false);
    expect(worse.comparedWith).toBe(3);
    expect(decidePromotion({ ...good, brierSkill: 0.004 }, champion, policy).promoted).toBe(true);
    expect(
      decidePromotion({ ...good, brierSkill: 0.004 }, champion, {
        ...policy,
        minBrierSkillGain: 0.01,
      }).promoted,
    ).toBe(false);
  });

  it("blocks a candidate that always-up beats significantly", () => {
    const d = decidePromotion(
      { ...good, brierSkill: 0.01, alwaysUpBetterPValue: 0.01 },
      { version: 1, metrics: { brierSkill: 0 } },
      policy,
    );
    expect(d.promoted).toBe(false);
    expect(d.reasons.join(" ")).toMatch(/always-up is significantly better/);
  });
});
