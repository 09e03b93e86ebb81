/**
 * Cost-model benchmark: `costCurve` (one analysis + 64 points) for a 72-layer Jamba-1.5-Large-shaped design
 * (1:7 attention:Mamba, MoE every other layer). Prints the median and spread over many runs; target < 2 ms.
 */
import { DesignSchema, FORMAT, type Design } from '../src/models/schema';
import { costCurve } from '../src/sim/cost/costAt';

/** 72 layers: attention at i % 8 == 4, MoE at i % 2 == 1 (Jamba-1.5-Large shapes, arXiv 2408.12570). */
function design72(): Design {
  return DesignSchema.parse({
    format: FORMAT,
    name: '72-layer bench design',
    vocabSize: 65536,
    dModel: 8192,
    maxContext: 262144,
    layers: [
      {
        pattern: {
          count: 72,
          base: { mixer: { kind: 'mamba', dState: 16, dConv: 4, expand: 2, dtRank: 512, innerNorms: true }, ffn: { kind: 'mlp', width: 24576 } },
          rules: [
            { period: 8, offset: 4, mixer: { kind: 'attention', nHeads: 64, nKvHeads: 8, headDim: 128 } },
            { period: 2, offset: 1, ffn: { kind: 'moe', nExperts: 16, topK: 2, expertWidth: 24576 } },
          ],
        },
      },
    ],
  });
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** `npm run bench -- cost [--runs=N]`. */
export async function run(args: string[]): Promise<void> {
  const runsArg = args.find((a) => a.startsWith('--runs='));
  const runs = runsArg ? Math.max(10, Number(runsArg.slice('--runs='.length)) || 0) : 1000;
  const design = design72();
  // 64 lengths from 1K to 1M, geometric.
  const seqLens = Array.from({ length: 64 }, (_, i) => Math.round(1024 * 1024 ** (i / 63)));
  let sink = 0;
  for (let i = 0; i < 50; i++) sink += costCurve(design, seqLens).length;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const curve = costCurve(design, seqLens);
    times.push(performance.now() - t0);
    sink += curve[63]!.totalBytes > 0 ? 1 : 0;
  }
  times.sort((a, b) => a - b);
  const fmt = (ms: number) => `${ms.toFixed(3)} ms`;
  process.stdout.write(
    `costCurve, 72 layers × 64 lengths, ${runs} runs (after 50 warm-up): median ${fmt(quantile(times, 0.5))}, ` +
      `p10 ${fmt(quantile(times, 0.1))}, p90 ${fmt(quantile(times, 0.9))}, min ${fmt(times[0]!)} (target < 2 ms)\n`,
  );
  if (sink === 0) process.stdout.write('(no points computed)\n');
}
