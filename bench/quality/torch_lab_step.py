"""
PyTorch twin of the lab's training step, for the speed comparison in docs/benchmarks.md (bench/quality.bench.ts runs
it). Written for this project: the same model as the lab copy of a design (src/sim/lab/labProfile.ts), built from the
lab design JSON the bench writes (hybrid-arch/1, layers expanded): pre-norm residual layers (RMSNorm or LayerNorm),
attention (q, k, v, o; GQA; RoPE when `positional` is rope; causal softmax), Mamba-1 (in_proj, causal depthwise conv,
x_proj, dt_proj + softplus, the selective scan as a loop over tokens, as state-spaces `selective_scan_ref` writes it,
D skip, SiLU gate, out_proj; Jamba's inner norms), Mamba-2 (in_proj to z / xBC / dt, conv, the SSD recurrence as a
loop over tokens, D skip, gated RMSNorm, out_proj), MLP (SwiGLU / GELU); final norm; the LM head on the scored rows
only; cross-entropy over the task's classes; AdamW + global-norm clipping. One CPU thread.

usage: python3 torch_lab_step.py <lab-design.json> <batch> <seqLen> <scored per sequence> <classOffset> <numClasses>
       [--steps 20] [--stacked]
prints one JSON line: {"msPerStep": median wall ms, "cpuMsPerStep": median process CPU ms, "msAll": [...],
"threads": 1, "params": n}
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)


def norm_layer(kind, d):
    return RMSNorm(d) if kind == 'rmsnorm' else nn.LayerNorm(d)


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.w = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.w


class Attention(nn.Module):
    def __init__(self, d, m):
        super().__init__()
        self.h, self.kvh, self.hd = m['nHeads'], m['nKvHeads'], m['headDim']
        self.q = nn.Linear(d, self.h * self.hd, bias=m.get('bias', False))
        self.k = nn.Linear(d, self.kvh * self.hd, bias=m.get('bias', False))
        self.v = nn.Linear(d, self.kvh * self.hd, bias=m.get('bias', False))
        self.o = nn.Linear(self.h * self.hd, d, bias=m.get('bias', False))
        self.rope = m.get('positional', 'rope') == 'rope'
        self.theta = m.get('ropeTheta') or 10000.0

    def rot(self, x, T):
        half = self.hd // 2
        inv = self.theta ** (-torch.arange(0, half, dtype=torch.float32) * 2 / self.hd)
        ang = torch.arange(T, dtype=torch.float32)[:, None] * inv[None, :]
        cos = torch.cat([ang.cos(), ang.cos()], -1)
        sin = torch.cat([ang.sin(), ang.sin()], -1)
        x1, x2 = x[..., :half], x[..., half:]
        return x * cos + torch.cat([-x2, x1], -1) * sin

    def forward(self, x):
        B, T, _ = x.shape
        q = self.q(x).view(B, T, self.h, self.hd).transpose(1, 2)
        k = self.k(x).view(B, T, self.kvh, self.hd).transpose(1, 2)
        v = self.v(x).view(B, T, self.kvh, self.hd).transpose(1, 2)
        if self.rope:
            q, k = self.rot(q, T), self.rot(k, T)
        g = self.h // self.kvh
        k = k.repeat_interleave(g, 1)
        v = v.repeat_interleave(g, 1)
        s = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd)
        mask = torch.ones(T, T, dtype=torch.bool).triu(1)
        p = s.masked_fill(mask, float('-inf')).softmax(-1)
        return self.o((p @ v).transpose(1, 2).reshape(B, T, self.h * self.hd))


class Mamba(nn.Module):
    def __init__(self, d, m):
        super().__init__()
        di = m['expand'] * d
        self.di, self.N, self.K = di, m['dState'], m['dConv']
        self.r = math.ceil(d / 16) if m.get('dtRank', 'auto') == 'auto' else m['dtRank']
        self.in_proj = nn.Linear(d, 2 * di, bias=m.get('projBias', False))
        self.conv = nn.Conv1d(di, di, self.K, groups=di, padding=self.K - 1, bias=m.get('convBias', True))
        self.x_proj = nn.Linear(di, self.r + 2 * self.N, bias=False)
        self.dt_proj = nn.Linear(self.r, di, bias=True)
        self.A_log = nn.Parameter(torch.log(torch.arange(1, self.N + 1, dtype=torch.float32)).repeat(di, 1))
        self.D = nn.Parameter(torch.ones(di))
        self.out_proj = nn.Linear(di, d, bias=m.get('projBias', False))
        self.norms = [RMSNorm(self.r), RMSNorm(self.N), RMSNorm(self.N)] if m.get('innerNorms') else None
        if self.norms:
            for i, n in enumerate(self.norms):
                self.add_module(f'inner{i}', n)

    def forward(self, x):
        B, T, _ = x.shape
        xi, z = self.in_proj(x).chunk(2, -1)
        u = F.silu(self.conv(xi.transpose(1, 2))[..., :T].transpose(1, 2))
        dt, Bm, Cm = self.x_proj(u).split([self.r, self.N, self.N], -1)
        if self.norms:
            dt, Bm, Cm = self.norms[0](dt), self.norms[1](Bm), self.norms[2](Cm)
        delta = F.softplus(self.dt_proj(dt))
        A = -torch.exp(self.A_log)
        dA = torch.exp(delta.unsqueeze(-1) * A)  # (B, T, di, N)
        dBu = delta.unsqueeze(-1) * Bm.unsqueeze(2) * u.unsqueeze(-1)
        h = torch.zeros(B, self.di, self.N)
        ys = []
        for t in range(T):  # selective_scan_ref: a loop over tokens
            h = dA[:, t] * h + dBu[:, t]
            ys.append((h * Cm[:, t].unsqueeze(1)).sum(-1))
        y = torch.stack(ys, 1) + u * self.D
        return self.out_proj(y * F.silu(z))


class Mamba2(nn.Module):
    def __init__(self, d, m):
        super().__init__()
        di = m['expand'] * d
        self.di, self.N, self.P, self.ng, self.K = di, m['dState'], m['headDim'], m['nGroups'], m['dConv']
        self.nh = di // self.P
        self.conv_dim = di + 2 * self.ng * self.N
        self.in_proj = nn.Linear(d, di + self.conv_dim + self.nh, bias=m.get('projBias', False))
        self.conv = nn.Conv1d(self.conv_dim, self.conv_dim, self.K, groups=self.conv_dim, padding=self.K - 1, bias=m.get('convBias', True))
        self.dt_bias = nn.Parameter(torch.zeros(self.nh))
        self.A_log = nn.Parameter(torch.log(torch.empty(self.nh).uniform_(1, 16)))
        self.D = nn.Parameter(torch.ones(self.nh))
        self.norm = nn.Parameter(torch.ones(di))
        self.out_proj = nn.Linear(di, d, bias=m.get('projBias', False))

    def forward(self, x):
        B, T, _ = x.shape
        z, xbc, dt = self.in_proj(x).split([self.di, self.conv_dim, self.nh], -1)
        xbc = F.silu(self.conv(xbc.transpose(1, 2))[..., :T].transpose(1, 2))
        xs, Bm, Cm = xbc.split([self.di, self.ng * self.N, self.ng * self.N], -1)
        xs = xs.view(B, T, self.nh, self.P)
        hpg = self.nh // self.ng
        Bm = Bm.view(B, T, self.ng, 1, self.N).expand(B, T, self.ng, hpg, self.N).reshape(B, T, self.nh, self.N)
        Cm = Cm.view(B, T, self.ng, 1, self.N).expand(B, T, self.ng, hpg, self.N).reshape(B, T, self.nh, self.N)
        dt = F.softplus(dt + self.dt_bias)
        dA = torch.exp(dt * -torch.exp(self.A_log))  # (B, T, nh)
        h = torch.zeros(B, self.nh, self.P, self.N)
        ys = []
        for t in range(T):  # the SSD recurrence, a loop over tokens
            h = dA[:, t, :, None, None] * h + (dt[:, t, :, None] * xs[:, t]).unsqueeze(-1) * Bm[:, t].unsqueeze(2)
            ys.append((h * Cm[:, t].unsqueeze(2)).sum(-1))
        y = torch.stack(ys, 1) + xs * self.D[:, None]
        g = (y.reshape(B, T, self.di) * F.silu(z)).view(B, T, self.ng, self.di // self.ng)
        g = g * torch.rsqrt(g.pow(2).mean(-1, keepdim=True) + 1e-5)
        return self.out_proj(g.reshape(B, T, self.di) * self.norm)


class Mlp(nn.Module):
    def __init__(self, d, f):
        super().__init__()
        self.act = f.get('activation', 'swiglu')
        self.gate = nn.Linear(d, f['width'], bias=False) if self.act == 'swiglu' else None
        self.up = nn.Linear(d, f['width'], bias=f.get('bias', False))
        self.down = nn.Linear(f['width'], d, bias=f.get('bias', False))

    def forward(self, x):
        h = F.silu(self.gate(x)) * self.up(x) if self.gate is not None else F.gelu(self.up(x))
        return self.down(h)


MIXERS = {'attention': Attention, 'mamba': Mamba, 'mamba2': Mamba2}


class Model(nn.Module):
    def __init__(self, design):
        super().__init__()
        d, V = design['dModel'], design['vocabSize']
        self.emb = nn.Embedding(V, d)
        self.head = None if design.get('tiedEmbeddings') else nn.Linear(d, V, bias=False)
        self.layers = nn.ModuleList()
        for layer in design['layers']:
            m, f = layer['mixer'], layer['ffn']
            if m['kind'] not in MIXERS and m['kind'] != 'none':
                raise SystemExit(f"torch twin: mixer {m['kind']} not supported")
            if f['kind'] == 'moe':
                raise SystemExit('torch twin: MoE not supported')
            self.layers.append(nn.ModuleDict({
                **({'mn': norm_layer(design.get('norm', 'rmsnorm'), d), 'mixer': MIXERS[m['kind']](d, m)} if m['kind'] != 'none' else {}),
                **({'fn': norm_layer(design.get('norm', 'rmsnorm'), d), 'ffn': Mlp(d, f)} if f['kind'] == 'mlp' else {}),
            }))
        self.final = norm_layer(design.get('norm', 'rmsnorm'), d)

    def forward(self, ids, extra, rows, offset, classes):
        x = self.emb(ids) + (self.emb(extra) if extra is not None else 0)
        for l in self.layers:
            if 'mixer' in l:
                x = x + l['mixer'](l['mn'](x))
            if 'ffn' in l:
                x = x + l['ffn'](l['fn'](x))
        h = self.final(x).reshape(-1, x.shape[-1])[rows]
        logits = self.head(h) if self.head is not None else h @ self.emb.weight.t()
        return logits[:, offset:offset + classes]


def main():
    args = sys.argv[1:]
    steps = int(args[args.index('--steps') + 1]) if '--steps' in args else 20
    design = json.load(open(args[0]))
    B, T, per, offset, classes = (int(a) for a in args[1:6])
    torch.manual_seed(1)
    model = Model(design)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.1)
    V = design['vocabSize']
    times = []
    cpu = []
    for s in range(steps + 3):
        ids = torch.randint(0, V, (B, T))
        extra = torch.randint(0, V, (B, T)) if '--stacked' in args else None
        rows = torch.arange(B)[:, None] * T + (T - per) + torch.arange(per)[None, :]
        labels = torch.randint(0, classes, (B * per,))
        t0 = time.perf_counter()
        c0 = time.process_time()
        loss = F.cross_entropy(model(ids, extra, rows.reshape(-1), offset, classes), labels)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        loss.item()
        if s >= 3:
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    times.sort()
    cpu.sort()
    print(json.dumps({'msPerStep': times[len(times) // 2], 'cpuMsPerStep': cpu[len(cpu) // 2], 'msAll': times, 'threads': torch.get_num_threads(), 'params': sum(p.numel() for p in model.parameters())}))


main()
