/**
 * Small helpers for the benchmark scripts: statistics, timing a child process, and a plain
 * text table.
 */
import { spawn } from "node:child_process";
import type { TargetFigure } from "./performance-section.js";

export function min(values: readonly number[]): number {
  return Math.min(...values);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function seconds(ms: number, digits = 2): string {
  return `${(ms / 1000).toFixed(digits)} s`;
}

interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs a command to completion and times it from spawn to exit (process start-up included). */
export function timeProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      resolvePromise({ code, stdout, stderr, wallMs: performance.now() - started }),
    );
  });
}

/** Left-aligned text table with a header row and a rule under it. */
export function formatTable(header: readonly string[], rows: readonly string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

export interface BenchRow {
  measure: string;
  value: string;
  target: string;
  /** for gated rows: measured value and target, same unit, lower is better */
  gated?: { value: number; target: number };
}

/**
 * The summary table (measure, value, target, margin, PASS/FAIL with `marginPct` allowed over each
 * target), how many targets failed, and the targeted figures as the README shows them (against
 * the target as stated).
 */
export function summariseRows(
  rows: readonly BenchRow[],
  marginPct: number,
): { table: string[][]; failed: number; figures: TargetFigure[] } {
  const allowed = 1 + marginPct / 100;
  const table = rows.map((r) => {
    if (!r.gated) return [r.measure, r.value, r.target, "", r.target === "info" ? "info" : ""];
    const headroom = (1 - r.gated.value / r.gated.target) * 100;
    const pass = r.gated.value <= r.gated.target * allowed;
    const margin =
      headroom >= 0 ? `${headroom.toFixed(0)}% under` : `${(-headroom).toFixed(0)}% over`;
    return [r.measure, r.value, r.target, margin, pass ? "PASS" : "FAIL"];
  });
  const figures = rows
    .filter((r) => r.gated)
    .map((r) => ({
      figure: r.measure.replace(/^\s*\d+[a-z]?\.\s*/, "").trim(),
      measured: r.value,
      target: r.target,
      met: r.gated!.value <= r.gated!.target,
    }));
  return { table, failed: table.filter((r) => r[4] === "FAIL").length, figures };
}

/** How the bench was called, as the README shows it (`--no-readme` left out). */
export function benchCommand(script: string): string {
  const extra = process.argv.slice(2).filter((a) => a !== "--no-readme");
  return `npm run ${script}${extra.length > 0 ? ` -- ${extra.join(" ")}` : ""}`;
}
