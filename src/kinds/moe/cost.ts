/**
 * Mixture of experts: what it costs (HF `modeling_mixtral.py` MixtralSparseMoeBlock, `modeling_jamba.py`
 * JambaSparseMoeBlock): router [E, d] without bias plus E expert MLPs without biases (stacked here as [E, ...]).
 * Options (hybrids-2026.md §3, §6-8): `router.e_score_correction_bias [E]` (DeepSeek-V3 / Kimi / Nemotron-3
 * `gate.e_score_correction_bias`; added to the scores for selection, not a matmul); the shared experts as one MLP
 * `shared_experts.{gate,up,down}_proj` of width fs (DeepSeek / Kimi / Nemotron-H name them so; Qwen3-Next's
 * `shared_expert`, Granite's `shared_mlp`); Qwen3-Next's `shared_expert_gate.weight [1, d]` (a d -> 1 linear).
 * Active per token: the router (and its bias), k experts, the shared experts and their gate.
 */
import { prefixed, sumMacs, sumParams, tensor, type BlockCost } from '../../sim/cost/tensors';
import { mlpTensors } from '../mlp/cost';
import { sharedExpertWidth, type MoeFfn } from './spec';

export function moeCost(f: MoeFfn, dModel: number): BlockCost {
  const router = [tensor('router.weight', [f.nExperts, dModel], true)];
  if (f.routerBias) router.push(tensor('router.e_score_correction_bias', [f.nExperts]));
  const experts = prefixed('experts.', mlpTensors({ width: f.expertWidth, activation: f.activation }, dModel, false, f.nExperts));
  const fs = sharedExpertWidth(f);
  const shared = fs ? prefixed('shared_experts.', mlpTensors({ width: fs, activation: f.activation }, dModel, false)) : [];
  if (fs && f.sharedExpertGate) shared.push(tensor('shared_expert_gate.weight', [1, dModel], true));
  const always = [...router, ...shared];
  const perExpert = sumParams(experts) / f.nExperts;
  const perExpertMacs = sumMacs(experts) / f.nExperts;
  return {
    tensors: [...router, ...experts, ...shared],
    params: sumParams(always) + sumParams(experts),
    activeParams: sumParams(always) + f.topK * perExpert,
    macsPerToken: sumMacs(always) + f.topK * perExpertMacs,
    tpDims: [{ name: 'expertWidth', size: f.expertWidth }, ...(fs ? [{ name: 'shared expert width', size: fs }] : [])],
    routed: [{ count: f.nExperts, topK: f.topK, paramsPerExpert: perExpert }],
  };
}
