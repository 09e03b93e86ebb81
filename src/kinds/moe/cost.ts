/**
 * Mixture of experts: what it costs (HF `modeling_mixtral.py` MixtralSparseMoeBlock, `modeling_jamba.py`
 * JambaSparseMoeBlock): router [E, d] without bias plus E expert MLPs without biases (stacked here as [E, ...]).
 * Active per token: the router and k experts.
 */
import { prefixed, sumMacs, sumParams, tensor, type BlockCost } from '../../sim/cost/tensors';
import { mlpTensors } from '../mlp/cost';
import type { MoeFfn } from './spec';

export function moeCost(f: MoeFfn, dModel: number): BlockCost {
  const router = tensor('router.weight', [f.nExperts, dModel], true);
  const experts = prefixed('experts.', mlpTensors({ width: f.expertWidth, activation: f.activation }, dModel, false, f.nExperts));
  const perExpert = sumParams(experts) / f.nExperts;
  const perExpertMacs = sumMacs(experts) / f.nExperts;
  return {
    tensors: [router, ...experts],
    params: router.params + sumParams(experts),
    activeParams: router.params + f.topK * perExpert,
    macsPerToken: router.params + f.topK * perExpertMacs,
    tpDims: [{ name: 'expertWidth', size: f.expertWidth }],
    routed: [{ count: f.nExperts, topK: f.topK, paramsPerExpert: perExpert }],
  };
}
